"""The embedded local stack: template.yaml read and provisioned into moto, events delivered locally.

`template` reads template.yaml (routes, function environments, intrinsic functions);
`provision` creates the template's resources with boto3 against moto (in-process or server).

`python -m local_stack` (`__main__`, `runner`) runs the whole application: moto in this process,
the template provisioned in it, the functions run in-process (`runtime`) behind a local API
Gateway with the Cognito authorizer (`gateway`, `authorizer`), DynamoDB stream records, S3
notifications and schedules delivered as Lambda does (`streams`, `events`), the outbox of sent
mail and SNS messages (`outbox`), the demo's time scale for Step Functions waits (`timescale`),
demo data (`demo`) and fixes to moto's concurrency (`moto_fixes`).
"""
