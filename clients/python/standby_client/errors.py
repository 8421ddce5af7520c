"""Typed errors: one class per gRPC status code the API documents.

Every error the client raises is a StandbyError; `code` is the grpc.StatusCode
(None for errors the client itself decides, such as a claim that timed out).
Catch the subclass that decides what you do: UnavailableError is worth a
retry, FailedPreconditionError on renew means the lease is gone.
"""

from __future__ import annotations

from typing import Optional

import grpc


class StandbyError(Exception):
    """Anything the standby API or this client refused."""

    code: Optional[grpc.StatusCode] = None

    def __init__(self, message: str, code: Optional[grpc.StatusCode] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        name = self.code.name if self.code is not None else "CLIENT"
        return f"{name}: {self.message}"


class InvalidArgumentError(StandbyError):
    """A field is malformed; the message names it."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFoundError(StandbyError):
    """The claim, lease, node or provider does not exist."""

    code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(StandbyError):
    """A request id was reused with a different request."""

    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPreconditionError(StandbyError):
    """The request cannot apply now: no label can ever match, the lease already
    ended, the node is claimed."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class UnauthenticatedError(StandbyError):
    """A claim or lease token is missing or does not match."""

    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDeniedError(StandbyError):
    """The caller's role does not allow this call."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhaustedError(StandbyError):
    """A limit was reached; back off."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class UnavailableError(StandbyError):
    """The scheduler is starting, stopping or unreachable; retry."""

    code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceededError(StandbyError):
    """The call's deadline passed before the scheduler answered."""

    code = grpc.StatusCode.DEADLINE_EXCEEDED


class CancelledError(StandbyError):
    """The call was cancelled on this side."""

    code = grpc.StatusCode.CANCELLED


class InternalError(StandbyError):
    """A bug in the scheduler; its log has the cause."""

    code = grpc.StatusCode.INTERNAL


class ClaimFailedError(StandbyError):
    """The claim ended without nodes (failed, cancelled or expired); `reason`
    is the scheduler's failure_reason."""

    def __init__(self, message: str, claim_id: str, state: str, reason: str) -> None:
        super().__init__(message)
        self.claim_id = claim_id
        self.state = state
        self.reason = reason


class ClaimTimeoutError(StandbyError):
    """No node within the wait; the claim was cancelled."""

    def __init__(self, message: str, claim_id: str) -> None:
        super().__init__(message)
        self.claim_id = claim_id


_BY_CODE = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        NotFoundError,
        AlreadyExistsError,
        FailedPreconditionError,
        UnauthenticatedError,
        PermissionDeniedError,
        ResourceExhaustedError,
        UnavailableError,
        DeadlineExceededError,
        CancelledError,
        InternalError,
    )
}


def from_rpc_error(err: grpc.RpcError) -> StandbyError:
    """The typed error for a failed call (a grpc.RpcError that is a grpc.Call)."""
    code = err.code() if isinstance(err, grpc.Call) else grpc.StatusCode.UNKNOWN
    details = (err.details() if isinstance(err, grpc.Call) else None) or str(err)
    cls = _BY_CODE.get(code)
    if cls is None:
        return StandbyError(details, code)
    return cls(details)
