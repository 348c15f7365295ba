"""The only code that touches boto3."""
