"""standby's Python client: claim CI machines by label expression, keep the
lease, release with the job's outcome. See client.py and ../README.md."""

from .client import DEFAULT_ADDRESS, NODE_STATES, OUTCOMES, Lease, Node, Progress, StandbyClient
from .errors import (
    AlreadyExistsError,
    CancelledError,
    ClaimFailedError,
    ClaimTimeoutError,
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    StandbyError,
    UnauthenticatedError,
    UnavailableError,
    from_rpc_error,
)

__all__ = [
    "DEFAULT_ADDRESS",
    "NODE_STATES",
    "OUTCOMES",
    "AlreadyExistsError",
    "CancelledError",
    "ClaimFailedError",
    "ClaimTimeoutError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "Lease",
    "Node",
    "NotFoundError",
    "PermissionDeniedError",
    "Progress",
    "ResourceExhaustedError",
    "StandbyClient",
    "StandbyError",
    "UnauthenticatedError",
    "UnavailableError",
    "from_rpc_error",
]
