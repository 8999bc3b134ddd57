"""The environment (and eucarc) variables each setting is read from: a leaf module, so shell
completion can read them without importing the configuration machinery."""

# Variable names each setting is read from, best first; shared by the environment and eucarc.
ENV_NAMES = {
    "endpoint_url": ("AWS_ENDPOINT_URL_EC2", "EC2_URL", "AWS_ENDPOINT_URL"),
    "s3_endpoint_url": ("AWS_ENDPOINT_URL_S3", "S3_URL", "AWS_ENDPOINT_URL"),
    "region": ("AWS_DEFAULT_REGION", "AWS_REGION", "EUCA_DEFAULT_REGION"),
    "profile": ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
    "cert": ("EC2_CERT",), "private_key": ("EC2_PRIVATE_KEY",), "cloud_cert": ("EUCALYPTUS_CERT",),
    "user_id": ("EC2_USER_ID", "EC2_ACCOUNT_NUMBER"),
}
