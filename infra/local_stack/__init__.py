"""The embedded local stack: template.yaml read and provisioned into moto, events delivered locally.

`template` reads template.yaml (routes, function environments, intrinsic functions);
`provision` creates the template's resources with boto3 against moto (in-process or server).
"""
