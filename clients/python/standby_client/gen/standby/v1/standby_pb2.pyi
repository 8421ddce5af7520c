from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CLAIM_STATE_CANCELLED: ClaimState
CLAIM_STATE_EXPIRED: ClaimState
CLAIM_STATE_FAILED: ClaimState
CLAIM_STATE_FULFILLED: ClaimState
CLAIM_STATE_QUEUED: ClaimState
CLAIM_STATE_RELEASED: ClaimState
CLAIM_STATE_UNSPECIFIED: ClaimState
DESCRIPTOR: _descriptor.FileDescriptor
IMAGE_BUILD_STATE_BOOTING: ImageBuildState
IMAGE_BUILD_STATE_FAILED: ImageBuildState
IMAGE_BUILD_STATE_FAILING: ImageBuildState
IMAGE_BUILD_STATE_PENDING: ImageBuildState
IMAGE_BUILD_STATE_PROMOTED: ImageBuildState
IMAGE_BUILD_STATE_RETIRED: ImageBuildState
IMAGE_BUILD_STATE_RETIRING: ImageBuildState
IMAGE_BUILD_STATE_SCRUBBING: ImageBuildState
IMAGE_BUILD_STATE_SETUP: ImageBuildState
IMAGE_BUILD_STATE_SNAPSHOTTING: ImageBuildState
IMAGE_BUILD_STATE_UNSPECIFIED: ImageBuildState
IMAGE_BUILD_STATE_VERIFYING: ImageBuildState
NODE_STATE_BOOTED: NodeState
NODE_STATE_CHECKING: NodeState
NODE_STATE_CLAIMED: NodeState
NODE_STATE_DELETING: NodeState
NODE_STATE_FAILED: NodeState
NODE_STATE_GONE: NodeState
NODE_STATE_HELD: NodeState
NODE_STATE_LAUNCHING: NodeState
NODE_STATE_READY: NodeState
NODE_STATE_RELEASED: NodeState
NODE_STATE_UNSPECIFIED: NodeState
OUTCOME_ABORTED: Outcome
OUTCOME_FAILURE: Outcome
OUTCOME_SUCCESS: Outcome
OUTCOME_UNSPECIFIED: Outcome
PROVIDER_HEALTH_DISABLED: ProviderHealth
PROVIDER_HEALTH_NOT_SERVING: ProviderHealth
PROVIDER_HEALTH_SERVING: ProviderHealth
PROVIDER_HEALTH_STARTING: ProviderHealth
PROVIDER_HEALTH_UNSPECIFIED: ProviderHealth
PROVIDER_MODE_ACTIVE: ProviderMode
PROVIDER_MODE_DRAINING: ProviderMode
PROVIDER_MODE_PAUSED: ProviderMode
PROVIDER_MODE_UNSPECIFIED: ProviderMode
SNAPSHOT_STATE_DONE: SnapshotState
SNAPSHOT_STATE_FAILED: SnapshotState
SNAPSHOT_STATE_RUNNING: SnapshotState
SNAPSHOT_STATE_UNSPECIFIED: SnapshotState
SNAPSHOT_VISIBILITY_PRIVATE: SnapshotVisibility
SNAPSHOT_VISIBILITY_PUBLIC: SnapshotVisibility
SNAPSHOT_VISIBILITY_SHARED: SnapshotVisibility
SNAPSHOT_VISIBILITY_UNSPECIFIED: SnapshotVisibility

class AddHoldKeyRequest(_message.Message):
    __slots__ = ["node_id", "public_key", "requester"]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    public_key: str
    requester: str
    def __init__(self, node_id: _Optional[str] = ..., public_key: _Optional[str] = ..., requester: _Optional[str] = ...) -> None: ...

class AddHoldKeyResponse(_message.Message):
    __slots__ = ["hold"]
    HOLD_FIELD_NUMBER: _ClassVar[int]
    hold: Hold
    def __init__(self, hold: _Optional[_Union[Hold, _Mapping]] = ...) -> None: ...

class BuildImageRequest(_message.Message):
    __slots__ = ["family", "provider"]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    family: str
    provider: str
    def __init__(self, family: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class BuildImageResponse(_message.Message):
    __slots__ = ["builds"]
    BUILDS_FIELD_NUMBER: _ClassVar[int]
    builds: _containers.RepeatedCompositeFieldContainer[ImageBuild]
    def __init__(self, builds: _Optional[_Iterable[_Union[ImageBuild, _Mapping]]] = ...) -> None: ...

class CancelClaimRequest(_message.Message):
    __slots__ = ["claim_token"]
    CLAIM_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claim_token: str
    def __init__(self, claim_token: _Optional[str] = ...) -> None: ...

class CancelClaimResponse(_message.Message):
    __slots__ = ["claim"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class Claim(_message.Message):
    __slots__ = ["created_at", "failure_reason", "fulfilled_at", "id", "job_name", "label_expressions", "lease_expires_at", "lease_ttl_seconds", "nodes", "priority", "queue_position", "request_id", "requester", "state", "trace_id"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    FULFILLED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    LEASE_TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    failure_reason: str
    fulfilled_at: _timestamp_pb2.Timestamp
    id: str
    job_name: str
    label_expressions: _containers.RepeatedScalarFieldContainer[str]
    lease_expires_at: _timestamp_pb2.Timestamp
    lease_ttl_seconds: int
    nodes: _containers.RepeatedCompositeFieldContainer[Node]
    priority: int
    queue_position: int
    request_id: str
    requester: str
    state: ClaimState
    trace_id: str
    def __init__(self, id: _Optional[str] = ..., state: _Optional[_Union[ClaimState, str]] = ..., label_expressions: _Optional[_Iterable[str]] = ..., requester: _Optional[str] = ..., job_name: _Optional[str] = ..., priority: _Optional[int] = ..., lease_ttl_seconds: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., queue_position: _Optional[int] = ..., nodes: _Optional[_Iterable[_Union[Node, _Mapping]]] = ..., lease_expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., failure_reason: _Optional[str] = ..., fulfilled_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ..., trace_id: _Optional[str] = ...) -> None: ...

class ClaimTimelineEvent(_message.Message):
    __slots__ = ["at", "kind", "label", "message", "node_id", "provider"]
    AT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    kind: str
    label: str
    message: str
    node_id: str
    provider: str
    def __init__(self, at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., kind: _Optional[str] = ..., message: _Optional[str] = ..., label: _Optional[str] = ..., provider: _Optional[str] = ..., node_id: _Optional[str] = ...) -> None: ...

class CreateClaimRequest(_message.Message):
    __slots__ = ["job_name", "label_expressions", "lease_ttl_seconds", "priority", "request_id", "requester", "ssh_public_keys", "wait", "wait_timeout_seconds"]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    LEASE_TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEYS_FIELD_NUMBER: _ClassVar[int]
    WAIT_FIELD_NUMBER: _ClassVar[int]
    WAIT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    job_name: str
    label_expressions: _containers.RepeatedScalarFieldContainer[str]
    lease_ttl_seconds: int
    priority: int
    request_id: str
    requester: str
    ssh_public_keys: _containers.RepeatedScalarFieldContainer[str]
    wait: bool
    wait_timeout_seconds: int
    def __init__(self, label_expressions: _Optional[_Iterable[str]] = ..., requester: _Optional[str] = ..., job_name: _Optional[str] = ..., priority: _Optional[int] = ..., lease_ttl_seconds: _Optional[int] = ..., ssh_public_keys: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ..., wait: bool = ..., wait_timeout_seconds: _Optional[int] = ...) -> None: ...

class CreateClaimResponse(_message.Message):
    __slots__ = ["claim", "claim_token", "lease_token"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    CLAIM_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    claim_token: str
    lease_token: str
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ..., claim_token: _Optional[str] = ..., lease_token: _Optional[str] = ...) -> None: ...

class CreateHoldRuleRequest(_message.Message):
    __slots__ = ["count", "created_by", "duration_seconds", "job_name_pattern", "label_expression", "name", "reason", "requester"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_PATTERN_FIELD_NUMBER: _ClassVar[int]
    LABEL_EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    count: int
    created_by: str
    duration_seconds: int
    job_name_pattern: str
    label_expression: str
    name: str
    reason: str
    requester: str
    def __init__(self, name: _Optional[str] = ..., label_expression: _Optional[str] = ..., requester: _Optional[str] = ..., job_name_pattern: _Optional[str] = ..., count: _Optional[int] = ..., duration_seconds: _Optional[int] = ..., reason: _Optional[str] = ..., created_by: _Optional[str] = ...) -> None: ...

class CreateHoldRuleResponse(_message.Message):
    __slots__ = ["rule"]
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: HoldRule
    def __init__(self, rule: _Optional[_Union[HoldRule, _Mapping]] = ...) -> None: ...

class DeleteHoldRuleRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteHoldRuleResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DeleteImageBuildRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteImageBuildResponse(_message.Message):
    __slots__ = ["build"]
    BUILD_FIELD_NUMBER: _ClassVar[int]
    build: ImageBuild
    def __init__(self, build: _Optional[_Union[ImageBuild, _Mapping]] = ...) -> None: ...

class DeleteNodeRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteNodeResponse(_message.Message):
    __slots__ = ["node"]
    NODE_FIELD_NUMBER: _ClassVar[int]
    node: Node
    def __init__(self, node: _Optional[_Union[Node, _Mapping]] = ...) -> None: ...

class GetClaimRequest(_message.Message):
    __slots__ = ["claim_token"]
    CLAIM_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claim_token: str
    def __init__(self, claim_token: _Optional[str] = ...) -> None: ...

class GetClaimResponse(_message.Message):
    __slots__ = ["claim", "lease_token"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    lease_token: str
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ..., lease_token: _Optional[str] = ...) -> None: ...

class GetClaimTimelineRequest(_message.Message):
    __slots__ = ["claim_id", "claim_token"]
    CLAIM_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIM_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claim_id: str
    claim_token: str
    def __init__(self, claim_token: _Optional[str] = ..., claim_id: _Optional[str] = ...) -> None: ...

class GetClaimTimelineResponse(_message.Message):
    __slots__ = ["claim", "events"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    events: _containers.RepeatedCompositeFieldContainer[ClaimTimelineEvent]
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ..., events: _Optional[_Iterable[_Union[ClaimTimelineEvent, _Mapping]]] = ...) -> None: ...

class GetHoldRequest(_message.Message):
    __slots__ = ["node_id"]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    def __init__(self, node_id: _Optional[str] = ...) -> None: ...

class GetHoldResponse(_message.Message):
    __slots__ = ["hold"]
    HOLD_FIELD_NUMBER: _ClassVar[int]
    hold: Hold
    def __init__(self, hold: _Optional[_Union[Hold, _Mapping]] = ...) -> None: ...

class GetImageBuildRequest(_message.Message):
    __slots__ = ["id", "log"]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    id: str
    log: bool
    def __init__(self, id: _Optional[str] = ..., log: bool = ...) -> None: ...

class GetImageBuildResponse(_message.Message):
    __slots__ = ["build", "log"]
    BUILD_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    build: ImageBuild
    log: str
    def __init__(self, build: _Optional[_Union[ImageBuild, _Mapping]] = ..., log: _Optional[str] = ...) -> None: ...

class GetNodeRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetNodeResponse(_message.Message):
    __slots__ = ["node"]
    NODE_FIELD_NUMBER: _ClassVar[int]
    node: Node
    def __init__(self, node: _Optional[_Union[Node, _Mapping]] = ...) -> None: ...

class Hold(_message.Message):
    __slots__ = ["claim_id", "end_reason", "ended_at", "expires_at", "held_at", "job_name", "keys", "node", "reason", "requester", "rule_id", "snapshots", "source"]
    CLAIM_ID_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    HELD_AT_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOTS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    claim_id: str
    end_reason: str
    ended_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    held_at: _timestamp_pb2.Timestamp
    job_name: str
    keys: _containers.RepeatedCompositeFieldContainer[HoldKey]
    node: Node
    reason: str
    requester: str
    rule_id: str
    snapshots: _containers.RepeatedCompositeFieldContainer[HoldSnapshot]
    source: str
    def __init__(self, node: _Optional[_Union[Node, _Mapping]] = ..., reason: _Optional[str] = ..., requester: _Optional[str] = ..., held_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., source: _Optional[str] = ..., rule_id: _Optional[str] = ..., claim_id: _Optional[str] = ..., job_name: _Optional[str] = ..., keys: _Optional[_Iterable[_Union[HoldKey, _Mapping]]] = ..., snapshots: _Optional[_Iterable[_Union[HoldSnapshot, _Mapping]]] = ..., ended_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_reason: _Optional[str] = ...) -> None: ...

class HoldKey(_message.Message):
    __slots__ = ["added_at", "added_by", "fingerprint", "public_key"]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    ADDED_BY_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    added_at: _timestamp_pb2.Timestamp
    added_by: str
    fingerprint: str
    public_key: str
    def __init__(self, fingerprint: _Optional[str] = ..., public_key: _Optional[str] = ..., added_by: _Optional[str] = ..., added_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HoldNodeRequest(_message.Message):
    __slots__ = ["duration_seconds", "node_id", "reason", "requester"]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    duration_seconds: int
    node_id: str
    reason: str
    requester: str
    def __init__(self, node_id: _Optional[str] = ..., duration_seconds: _Optional[int] = ..., reason: _Optional[str] = ..., requester: _Optional[str] = ...) -> None: ...

class HoldNodeResponse(_message.Message):
    __slots__ = ["hold"]
    HOLD_FIELD_NUMBER: _ClassVar[int]
    hold: Hold
    def __init__(self, hold: _Optional[_Union[Hold, _Mapping]] = ...) -> None: ...

class HoldRule(_message.Message):
    __slots__ = ["count", "created_at", "created_by", "duration_seconds", "fired", "id", "job_name_pattern", "label_expression", "reason", "requester", "source"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FIRED_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_PATTERN_FIELD_NUMBER: _ClassVar[int]
    LABEL_EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    count: int
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    duration_seconds: int
    fired: int
    id: str
    job_name_pattern: str
    label_expression: str
    reason: str
    requester: str
    source: str
    def __init__(self, id: _Optional[str] = ..., label_expression: _Optional[str] = ..., requester: _Optional[str] = ..., job_name_pattern: _Optional[str] = ..., count: _Optional[int] = ..., fired: _Optional[int] = ..., duration_seconds: _Optional[int] = ..., reason: _Optional[str] = ..., source: _Optional[str] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HoldSnapshot(_message.Message):
    __slots__ = ["created_at", "done_at", "error", "id", "image_id", "image_name", "node_id", "provider", "requested_by", "state", "visibility"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DONE_AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    done_at: _timestamp_pb2.Timestamp
    error: str
    id: str
    image_id: str
    image_name: str
    node_id: str
    provider: str
    requested_by: str
    state: SnapshotState
    visibility: SnapshotVisibility
    def __init__(self, id: _Optional[str] = ..., node_id: _Optional[str] = ..., provider: _Optional[str] = ..., image_name: _Optional[str] = ..., image_id: _Optional[str] = ..., visibility: _Optional[_Union[SnapshotVisibility, str]] = ..., state: _Optional[_Union[SnapshotState, str]] = ..., error: _Optional[str] = ..., requested_by: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., done_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImageBuild(_message.Message):
    __slots__ = ["base_image", "builder_node_id", "cache_key", "created_at", "current", "failure_reason", "family", "finished_at", "id", "image_id", "image_name", "promoted_at", "provider", "requested_by", "size_bytes", "source", "state", "state_changed_at", "timings", "verified_at", "verifier_node_id"]
    class TimingsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    BASE_IMAGE_FIELD_NUMBER: _ClassVar[int]
    BUILDER_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    CACHE_KEY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    PROMOTED_AT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    STATE_CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    base_image: str
    builder_node_id: str
    cache_key: str
    created_at: _timestamp_pb2.Timestamp
    current: bool
    failure_reason: str
    family: str
    finished_at: _timestamp_pb2.Timestamp
    id: str
    image_id: str
    image_name: str
    promoted_at: _timestamp_pb2.Timestamp
    provider: str
    requested_by: str
    size_bytes: int
    source: str
    state: ImageBuildState
    state_changed_at: _timestamp_pb2.Timestamp
    timings: _containers.ScalarMap[str, int]
    verified_at: _timestamp_pb2.Timestamp
    verifier_node_id: str
    def __init__(self, id: _Optional[str] = ..., family: _Optional[str] = ..., provider: _Optional[str] = ..., state: _Optional[_Union[ImageBuildState, str]] = ..., source: _Optional[str] = ..., requested_by: _Optional[str] = ..., image_id: _Optional[str] = ..., image_name: _Optional[str] = ..., base_image: _Optional[str] = ..., size_bytes: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., promoted_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., verified_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., failure_reason: _Optional[str] = ..., current: bool = ..., builder_node_id: _Optional[str] = ..., verifier_node_id: _Optional[str] = ..., timings: _Optional[_Mapping[str, int]] = ..., cache_key: _Optional[str] = ..., state_changed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImageFamily(_message.Message):
    __slots__ = ["builds", "keep", "name", "paused", "providers", "schedule", "template_cache", "verify"]
    BUILDS_FIELD_NUMBER: _ClassVar[int]
    KEEP_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_CACHE_FIELD_NUMBER: _ClassVar[int]
    VERIFY_FIELD_NUMBER: _ClassVar[int]
    builds: _containers.RepeatedCompositeFieldContainer[ImageBuild]
    keep: int
    name: str
    paused: bool
    providers: _containers.RepeatedCompositeFieldContainer[ImageFamilyProvider]
    schedule: str
    template_cache: bool
    verify: bool
    def __init__(self, name: _Optional[str] = ..., template_cache: bool = ..., schedule: _Optional[str] = ..., paused: bool = ..., keep: _Optional[int] = ..., verify: bool = ..., providers: _Optional[_Iterable[_Union[ImageFamilyProvider, _Mapping]]] = ..., builds: _Optional[_Iterable[_Union[ImageBuild, _Mapping]]] = ...) -> None: ...

class ImageFamilyProvider(_message.Message):
    __slots__ = ["current_build_id", "next_build_at", "provider"]
    CURRENT_BUILD_ID_FIELD_NUMBER: _ClassVar[int]
    NEXT_BUILD_AT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    current_build_id: str
    next_build_at: _timestamp_pb2.Timestamp
    provider: str
    def __init__(self, provider: _Optional[str] = ..., current_build_id: _Optional[str] = ..., next_build_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LabelStatus(_message.Message):
    __slots__ = ["counts", "max_nodes", "min_ready", "name", "providers", "queued_claims", "tags"]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    MAX_NODES_FIELD_NUMBER: _ClassVar[int]
    MIN_READY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    QUEUED_CLAIMS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedCompositeFieldContainer[StateCount]
    max_nodes: int
    min_ready: int
    name: str
    providers: _containers.RepeatedScalarFieldContainer[str]
    queued_claims: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., min_ready: _Optional[int] = ..., max_nodes: _Optional[int] = ..., counts: _Optional[_Iterable[_Union[StateCount, _Mapping]]] = ..., providers: _Optional[_Iterable[str]] = ..., queued_claims: _Optional[int] = ...) -> None: ...

class LaunchFailure(_message.Message):
    __slots__ = ["at", "label", "message", "node_id", "reason"]
    AT_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    label: str
    message: str
    node_id: str
    reason: str
    def __init__(self, label: _Optional[str] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., node_id: _Optional[str] = ...) -> None: ...

class ListHoldRulesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListHoldRulesResponse(_message.Message):
    __slots__ = ["rules"]
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[HoldRule]
    def __init__(self, rules: _Optional[_Iterable[_Union[HoldRule, _Mapping]]] = ...) -> None: ...

class ListHoldsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListHoldsResponse(_message.Message):
    __slots__ = ["count", "holds", "next_expiry"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    HOLDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    count: int
    holds: _containers.RepeatedCompositeFieldContainer[Hold]
    next_expiry: _timestamp_pb2.Timestamp
    def __init__(self, holds: _Optional[_Iterable[_Union[Hold, _Mapping]]] = ..., count: _Optional[int] = ..., next_expiry: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListImagesRequest(_message.Message):
    __slots__ = ["all", "family", "provider"]
    ALL_FIELD_NUMBER: _ClassVar[int]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    all: bool
    family: str
    provider: str
    def __init__(self, family: _Optional[str] = ..., provider: _Optional[str] = ..., all: bool = ...) -> None: ...

class ListImagesResponse(_message.Message):
    __slots__ = ["families"]
    FAMILIES_FIELD_NUMBER: _ClassVar[int]
    families: _containers.RepeatedCompositeFieldContainer[ImageFamily]
    def __init__(self, families: _Optional[_Iterable[_Union[ImageFamily, _Mapping]]] = ...) -> None: ...

class ListLabelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListLabelsResponse(_message.Message):
    __slots__ = ["labels"]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.RepeatedCompositeFieldContainer[LabelStatus]
    def __init__(self, labels: _Optional[_Iterable[_Union[LabelStatus, _Mapping]]] = ...) -> None: ...

class ListNodesRequest(_message.Message):
    __slots__ = ["label", "provider", "state"]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    label: str
    provider: str
    state: NodeState
    def __init__(self, label: _Optional[str] = ..., provider: _Optional[str] = ..., state: _Optional[_Union[NodeState, str]] = ...) -> None: ...

class ListNodesResponse(_message.Message):
    __slots__ = ["nodes"]
    NODES_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[Node]
    def __init__(self, nodes: _Optional[_Iterable[_Union[Node, _Mapping]]] = ...) -> None: ...

class ListProvidersRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListProvidersResponse(_message.Message):
    __slots__ = ["providers"]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    providers: _containers.RepeatedCompositeFieldContainer[ProviderStatus]
    def __init__(self, providers: _Optional[_Iterable[_Union[ProviderStatus, _Mapping]]] = ...) -> None: ...

class Node(_message.Message):
    __slots__ = ["addresses", "claim_id", "created_at", "flavor", "hold_expires_at", "hold_reason", "hold_requester", "host_keys", "id", "image", "instance_id", "label", "provider", "purpose", "ssh_port", "state", "state_changed_at", "tags", "username"]
    ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    CLAIM_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FLAVOR_FIELD_NUMBER: _ClassVar[int]
    HOLD_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    HOLD_REASON_FIELD_NUMBER: _ClassVar[int]
    HOLD_REQUESTER_FIELD_NUMBER: _ClassVar[int]
    HOST_KEYS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SSH_PORT_FIELD_NUMBER: _ClassVar[int]
    STATE_CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    addresses: _containers.RepeatedScalarFieldContainer[str]
    claim_id: str
    created_at: _timestamp_pb2.Timestamp
    flavor: str
    hold_expires_at: _timestamp_pb2.Timestamp
    hold_reason: str
    hold_requester: str
    host_keys: _containers.RepeatedScalarFieldContainer[str]
    id: str
    image: str
    instance_id: str
    label: str
    provider: str
    purpose: str
    ssh_port: int
    state: NodeState
    state_changed_at: _timestamp_pb2.Timestamp
    tags: _containers.RepeatedScalarFieldContainer[str]
    username: str
    def __init__(self, id: _Optional[str] = ..., label: _Optional[str] = ..., provider: _Optional[str] = ..., state: _Optional[_Union[NodeState, str]] = ..., addresses: _Optional[_Iterable[str]] = ..., ssh_port: _Optional[int] = ..., username: _Optional[str] = ..., host_keys: _Optional[_Iterable[str]] = ..., tags: _Optional[_Iterable[str]] = ..., image: _Optional[str] = ..., instance_id: _Optional[str] = ..., claim_id: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., state_changed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., flavor: _Optional[str] = ..., purpose: _Optional[str] = ..., hold_reason: _Optional[str] = ..., hold_requester: _Optional[str] = ..., hold_expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ProviderStatus(_message.Message):
    __slots__ = ["counts", "health", "last_error", "mode", "name", "paused_reason", "pid", "plugin", "plugin_version", "recent_failures", "restarts"]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAUSED_REASON_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    RECENT_FAILURES_FIELD_NUMBER: _ClassVar[int]
    RESTARTS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedCompositeFieldContainer[StateCount]
    health: ProviderHealth
    last_error: str
    mode: ProviderMode
    name: str
    paused_reason: str
    pid: int
    plugin: str
    plugin_version: str
    recent_failures: _containers.RepeatedCompositeFieldContainer[LaunchFailure]
    restarts: int
    def __init__(self, name: _Optional[str] = ..., health: _Optional[_Union[ProviderHealth, str]] = ..., plugin: _Optional[str] = ..., plugin_version: _Optional[str] = ..., restarts: _Optional[int] = ..., last_error: _Optional[str] = ..., counts: _Optional[_Iterable[_Union[StateCount, _Mapping]]] = ..., pid: _Optional[int] = ..., mode: _Optional[_Union[ProviderMode, str]] = ..., recent_failures: _Optional[_Iterable[_Union[LaunchFailure, _Mapping]]] = ..., paused_reason: _Optional[str] = ...) -> None: ...

class ReleaseHoldRequest(_message.Message):
    __slots__ = ["node_id", "requester"]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    requester: str
    def __init__(self, node_id: _Optional[str] = ..., requester: _Optional[str] = ...) -> None: ...

class ReleaseHoldResponse(_message.Message):
    __slots__ = ["node"]
    NODE_FIELD_NUMBER: _ClassVar[int]
    node: Node
    def __init__(self, node: _Optional[_Union[Node, _Mapping]] = ...) -> None: ...

class ReleaseLeaseRequest(_message.Message):
    __slots__ = ["hold_reason", "hold_seconds", "lease_token", "outcome"]
    HOLD_REASON_FIELD_NUMBER: _ClassVar[int]
    HOLD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    hold_reason: str
    hold_seconds: int
    lease_token: str
    outcome: Outcome
    def __init__(self, lease_token: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., hold_seconds: _Optional[int] = ..., hold_reason: _Optional[str] = ...) -> None: ...

class ReleaseLeaseResponse(_message.Message):
    __slots__ = ["claim"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class ReloadConfigRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ReloadConfigResponse(_message.Message):
    __slots__ = ["labels", "providers"]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.RepeatedScalarFieldContainer[str]
    providers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, labels: _Optional[_Iterable[str]] = ..., providers: _Optional[_Iterable[str]] = ...) -> None: ...

class RenewLeaseRequest(_message.Message):
    __slots__ = ["lease_token", "ttl_seconds"]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    lease_token: str
    ttl_seconds: int
    def __init__(self, lease_token: _Optional[str] = ..., ttl_seconds: _Optional[int] = ...) -> None: ...

class RenewLeaseResponse(_message.Message):
    __slots__ = ["expires_at"]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetImageFamilyPausedRequest(_message.Message):
    __slots__ = ["family", "paused"]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    family: str
    paused: bool
    def __init__(self, family: _Optional[str] = ..., paused: bool = ...) -> None: ...

class SetImageFamilyPausedResponse(_message.Message):
    __slots__ = ["family"]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    family: ImageFamily
    def __init__(self, family: _Optional[_Union[ImageFamily, _Mapping]] = ...) -> None: ...

class SetProviderModeRequest(_message.Message):
    __slots__ = ["mode", "name"]
    MODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    mode: ProviderMode
    name: str
    def __init__(self, name: _Optional[str] = ..., mode: _Optional[_Union[ProviderMode, str]] = ...) -> None: ...

class SetProviderModeResponse(_message.Message):
    __slots__ = ["provider"]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    provider: ProviderStatus
    def __init__(self, provider: _Optional[_Union[ProviderStatus, _Mapping]] = ...) -> None: ...

class SnapshotHoldRequest(_message.Message):
    __slots__ = ["image_name", "node_id", "requester", "visibility", "wait", "wait_timeout_seconds"]
    IMAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    WAIT_FIELD_NUMBER: _ClassVar[int]
    WAIT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    image_name: str
    node_id: str
    requester: str
    visibility: SnapshotVisibility
    wait: bool
    wait_timeout_seconds: int
    def __init__(self, node_id: _Optional[str] = ..., visibility: _Optional[_Union[SnapshotVisibility, str]] = ..., image_name: _Optional[str] = ..., requester: _Optional[str] = ..., wait: bool = ..., wait_timeout_seconds: _Optional[int] = ...) -> None: ...

class SnapshotHoldResponse(_message.Message):
    __slots__ = ["snapshot"]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: HoldSnapshot
    def __init__(self, snapshot: _Optional[_Union[HoldSnapshot, _Mapping]] = ...) -> None: ...

class SnapshotNodeRequest(_message.Message):
    __slots__ = ["family", "lease_token", "node_id", "wait", "wait_timeout_seconds"]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    WAIT_FIELD_NUMBER: _ClassVar[int]
    WAIT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    family: str
    lease_token: str
    node_id: str
    wait: bool
    wait_timeout_seconds: int
    def __init__(self, lease_token: _Optional[str] = ..., node_id: _Optional[str] = ..., family: _Optional[str] = ..., wait: bool = ..., wait_timeout_seconds: _Optional[int] = ...) -> None: ...

class SnapshotNodeResponse(_message.Message):
    __slots__ = ["build"]
    BUILD_FIELD_NUMBER: _ClassVar[int]
    build: ImageBuild
    def __init__(self, build: _Optional[_Union[ImageBuild, _Mapping]] = ...) -> None: ...

class StateCount(_message.Message):
    __slots__ = ["count", "state"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    count: int
    state: NodeState
    def __init__(self, state: _Optional[_Union[NodeState, str]] = ..., count: _Optional[int] = ...) -> None: ...

class WatchClaimRequest(_message.Message):
    __slots__ = ["claim_token"]
    CLAIM_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claim_token: str
    def __init__(self, claim_token: _Optional[str] = ...) -> None: ...

class WatchClaimResponse(_message.Message):
    __slots__ = ["claim", "event", "lease_token", "message"]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    event: str
    lease_token: str
    message: str
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ..., event: _Optional[str] = ..., message: _Optional[str] = ..., lease_token: _Optional[str] = ...) -> None: ...

class ProviderMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ClaimState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class NodeState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ProviderHealth(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ImageBuildState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SnapshotVisibility(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SnapshotState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
