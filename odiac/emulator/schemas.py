"""The Go request structs the gateway decodes into (gateway-api 1.6)."""

from __future__ import annotations

import re

from odiac.emulator.decode import (
    ANY_MAP,
    BOOL,
    FLOAT,
    INT,
    STR_LIST,
    STR_MAP,
    STRING,
    Field,
    Struct,
)

DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def _dns_label(value: object) -> bool:
    return isinstance(value, str) and DNS_LABEL.match(value) is not None


SERVICE_TYPES = ("web", "worker", "cron", "static")

REGISTER = Struct(
    "RegisterRequest",
    (Field("source_hint", "SourceHint", STRING), Field("name", "Name", STRING)),
)

BIND = Struct(
    "BindRequest", (Field("sig", "Sig", STRING, required=True), Field("name", "Name", STRING))
)

CREATE_PROJECT = Struct(
    "CreateProjectRequest",
    (
        Field("name", "Name", STRING, required=True, check=_dns_label, check_tag="dns_label"),
        Field("description", "Description", STRING),
        Field("repo_url", "RepoURL", STRING, required=True),
        Field("branch", "Branch", STRING),
        Field("token", "Token", STRING),
        Field("region_id", "RegionID", STRING),
        Field("skip_validation", "SkipValidation", BOOL),
        Field("build_config", "BuildConfig", STRING),
        Field("deploy_config", "DeployConfig", STRING),
    ),
)

CREATE_DEPENDENCY = Struct(
    "CreateDependencyRequest",
    (
        Field("project_id", "ProjectID", STRING, required=True),
        Field("dependency_id", "DependencyID", STRING, required=True),
        Field("environment", "Environment", STRING),
        Field("template_id", "TemplateID", STRING),
        Field("service_id", "ServiceID", STRING),
        Field("display_name", "DisplayName", STRING),
        Field("username", "Username", STRING),
        Field("password", "Password", STRING),
        Field("database_name", "DatabaseName", STRING),
    ),
)

VOLUME_SPEC = Struct(
    "VolumeSpec",
    (
        Field("name", "Name", STRING),
        Field("mount_path", "MountPath", STRING),
        Field("size", "Size", STRING),
    ),
)

_SERVICE_COMMON = (
    Field("environment", "Environment", STRING),
    Field("language", "Language", STRING),
    Field("framework", "Framework", STRING),
    Field("port", "Port", INT),
    Field("source_path", "SourcePath", STRING),
    Field("dockerfile", "Dockerfile", STRING),
    Field("dockerfile_path", "DockerfilePath", STRING),
    Field("build_context", "BuildContext", STRING),
    Field("build_command", "BuildCommand", STRING),
    Field("start_command", "StartCommand", STRING),
    Field("build_variables", "BuildVariables", STR_MAP),
    Field("runtime_variables", "RuntimeVariables", STR_MAP),
    Field("health_check_path", "HealthCheckPath", STRING),
    Field("readiness_path", "ReadinessPath", STRING),
    Field("cpu_request", "CPURequest", STRING),
    Field("cpu_limit", "CPULimit", STRING),
    Field("memory_request", "MemoryRequest", STRING),
    Field("memory_limit", "MemoryLimit", STRING),
    Field("replicas", "Replicas", INT),
    Field("auto_scaling", "AutoScaling", BOOL),
    Field("dependencies", "Dependencies", STR_LIST),
    Field("internal_only", "InternalOnly", BOOL),
    Field("volumes", "Volumes", VOLUME_SPEC, list_of=True),
)

CREATE_SERVICE = Struct(
    "CreateServiceRequest",
    (
        Field("name", "Name", STRING, required=True, check=_dns_label, check_tag="dns_label"),
        Field("type", "Type", STRING, required=True, oneof=SERVICE_TYPES),
        *_SERVICE_COMMON,
    ),
)

UPDATE_SERVICE = Struct("UpdateServiceRequest", _SERVICE_COMMON)

UPDATE_ENV = Struct("UpdateEnvRequest", (Field("variables", "Variables", STR_MAP, required=True),))

UPDATE_SOURCE = Struct(
    "UpdateSourceRequest",
    (
        Field("project_id", "ProjectID", STRING, required=True),
        Field("temp_file_path", "TempFilePath", STRING, required=True),
        Field("analysis", "Analysis", ANY_MAP),
    ),
)

RESOURCE_LIMITS = Struct(
    "ResourceLimits",
    (
        Field("cpu_request", "CPURequest", FLOAT),
        Field("cpu_limit", "CPULimit", FLOAT),
        Field("memory_request", "MemoryRequest", FLOAT),
        Field("memory_limit", "MemoryLimit", FLOAT),
    ),
)

CREATE_DEPLOYMENT = Struct(
    "CreateDeploymentRequest",
    (
        Field("project_id", "ProjectID", STRING, required=True),
        Field("service_id", "ServiceID", STRING, required=True),
        Field("source", "Source", STRING, required=True, oneof=("git", "zip", "upload")),
        Field("temp_file_path", "TempFilePath", STRING),
        Field("environment", "Environment", STRING),
        Field("branch", "Branch", STRING),
        Field("dependencies", "Dependencies", STR_LIST),
        Field("resources", "Resources", RESOURCE_LIMITS),
        Field("strategy", "Strategy", STRING),
        Field("version_type", "VersionType", STRING),
        Field("description", "Description", STRING),
        Field("file_name", "FileName", STRING),
        Field("source_path", "SourcePath", STRING),
        Field("env_vars", "EnvVars", STR_MAP),
        Field("is_rollback", "IsRollback", BOOL),
        Field("use_github_token", "UseGithubToken", BOOL),
    ),
)

RENAME_SUBDOMAIN = Struct(
    "UpdateSubdomainRequest", (Field("subdomain", "Subdomain", STRING, required=True),)
)

CREATE_DOMAIN = Struct(
    "CreateServiceDomainRequest",
    (
        Field("service_id", "ServiceID", STRING, required=True),
        Field("domain", "Domain", STRING, required=True),
        Field("type", "Type", STRING),
        Field("environment", "Environment", STRING),
        Field("ssl_enabled", "SSLEnabled", BOOL),
        Field("is_primary", "IsPrimary", BOOL),
    ),
)

UPDATE_DOMAIN = Struct(
    "UpdateServiceDomainRequest",
    (
        Field("service_id", "ServiceID", STRING),
        Field("is_primary", "IsPrimary", BOOL),
        Field("ssl_enabled", "SSLEnabled", BOOL),
        Field("description", "Description", STRING),
    ),
)

SSL_UPLOAD = Struct(
    "UploadCertificateRequest",
    (
        Field("certificate", "Certificate", STRING, required=True),
        Field("private_key", "PrivateKey", STRING, required=True),
    ),
)

CREATE_VOLUME = Struct(
    "CreateVolumeRequest",
    (
        Field("name", "Name", STRING),
        Field("mount_path", "MountPath", STRING),
        Field("size", "Size", STRING),
    ),
)

RESIZE_VOLUME = Struct("ResizeVolumeRequest", (Field("size", "Size", STRING),))

MULTIPART_INIT = Struct(
    "MultipartInitRequest",
    (
        Field("project_id", "ProjectID", STRING, required=True),
        Field("project_name", "ProjectName", STRING, required=True),
        Field("region_id", "RegionID", STRING, required=True),
        Field("total_size", "TotalSize", INT, required=True),
        Field("part_size", "PartSize", INT, required=True),
        Field("total_parts", "TotalParts", INT, required=True),
        Field("total_sha256", "TotalSHA256", STRING, required=True),
    ),
)

MULTIPART_COMPLETE = Struct(
    "MultipartCompleteRequest",
    (
        Field("total_sha256", "TotalSHA256", STRING, required=True),
        Field("analysis", "Analysis", ANY_MAP),
    ),
)
