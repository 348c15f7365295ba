"""Pure rules: no boto3, no environment, time passed in."""
