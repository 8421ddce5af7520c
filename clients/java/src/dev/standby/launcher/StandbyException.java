package dev.standby.launcher;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * Anything the scheduler refused or the launcher could not do. The gRPC
 * status code decides the subclass, so a caller catches what decides its next
 * step: {@link Unavailable} is worth a retry, {@link FailedPrecondition} on a
 * lease means it is gone. Client-side failures ({@link ClaimFailed},
 * {@link ClaimTimeout}) have the code the situation is closest to.
 */
public class StandbyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;

  public StandbyException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status code (UNKNOWN for failures that had none). */
  public Status.Code code() {
    return code;
  }

  /** Worth trying again: the scheduler was unreachable or too slow. */
  public boolean isRetryable() {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + " (" + code + "): " + getMessage();
  }

  /** The typed exception for anything thrown by a gRPC call (or already typed). */
  public static StandbyException from(Throwable t) {
    if (t instanceof StandbyException) return (StandbyException) t;
    Status status;
    if (t instanceof StatusRuntimeException) status = ((StatusRuntimeException) t).getStatus();
    else if (t instanceof StatusException) status = ((StatusException) t).getStatus();
    else return new StandbyException(Status.Code.UNKNOWN, String.valueOf(t), t);
    String message = status.getDescription() != null ? status.getDescription() : status.getCode().toString();
    switch (status.getCode()) {
      case INVALID_ARGUMENT:
        return new InvalidArgument(message, t);
      case NOT_FOUND:
        return new NotFound(message, t);
      case ALREADY_EXISTS:
        return new AlreadyExists(message, t);
      case FAILED_PRECONDITION:
        return new FailedPrecondition(message, t);
      case UNAUTHENTICATED:
        return new Unauthenticated(message, t);
      case PERMISSION_DENIED:
        return new PermissionDenied(message, t);
      case RESOURCE_EXHAUSTED:
        return new ResourceExhausted(message, t);
      case UNAVAILABLE:
        return new Unavailable(message, t);
      case DEADLINE_EXCEEDED:
        return new DeadlineExceeded(message, t);
      case CANCELLED:
        return new Cancelled(message, t);
      case INTERNAL:
        return new Internal(message, t);
      default:
        return new StandbyException(status.getCode(), message, t);
    }
  }

  /** A field is malformed (a bad label expression, a TTL out of range); the message names it. */
  public static final class InvalidArgument extends StandbyException {
    private static final long serialVersionUID = 1L;

    InvalidArgument(String message, Throwable cause) {
      super(Status.Code.INVALID_ARGUMENT, message, cause);
    }
  }

  /** The claim, lease or node is unknown to the scheduler. */
  public static final class NotFound extends StandbyException {
    private static final long serialVersionUID = 1L;

    NotFound(String message, Throwable cause) {
      super(Status.Code.NOT_FOUND, message, cause);
    }
  }

  /** A request id was reused with a different request. */
  public static final class AlreadyExists extends StandbyException {
    private static final long serialVersionUID = 1L;

    AlreadyExists(String message, Throwable cause) {
      super(Status.Code.ALREADY_EXISTS, message, cause);
    }
  }

  /** No configured label can ever satisfy the expression, or the lease already ended. */
  public static final class FailedPrecondition extends StandbyException {
    private static final long serialVersionUID = 1L;

    FailedPrecondition(String message, Throwable cause) {
      super(Status.Code.FAILED_PRECONDITION, message, cause);
    }
  }

  /** A claim or lease token is missing or does not match. */
  public static final class Unauthenticated extends StandbyException {
    private static final long serialVersionUID = 1L;

    Unauthenticated(String message, Throwable cause) {
      super(Status.Code.UNAUTHENTICATED, message, cause);
    }
  }

  /** The caller's role does not allow the call. */
  public static final class PermissionDenied extends StandbyException {
    private static final long serialVersionUID = 1L;

    PermissionDenied(String message, Throwable cause) {
      super(Status.Code.PERMISSION_DENIED, message, cause);
    }
  }

  /** A limit was reached; back off. */
  public static final class ResourceExhausted extends StandbyException {
    private static final long serialVersionUID = 1L;

    ResourceExhausted(String message, Throwable cause) {
      super(Status.Code.RESOURCE_EXHAUSTED, message, cause);
    }
  }

  /** The scheduler is starting, stopping or unreachable; retry. */
  public static final class Unavailable extends StandbyException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(Status.Code.UNAVAILABLE, message, cause);
    }
  }

  /** The call's deadline passed. */
  public static final class DeadlineExceeded extends StandbyException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message, Throwable cause) {
      super(Status.Code.DEADLINE_EXCEEDED, message, cause);
    }
  }

  /** The call was cancelled on this side (a cancelled provision, the launcher closing). */
  public static final class Cancelled extends StandbyException {
    private static final long serialVersionUID = 1L;

    Cancelled(String message, Throwable cause) {
      super(Status.Code.CANCELLED, message, cause);
    }
  }

  /** A bug in the scheduler; its log has the cause. */
  public static final class Internal extends StandbyException {
    private static final long serialVersionUID = 1L;

    Internal(String message, Throwable cause) {
      super(Status.Code.INTERNAL, message, cause);
    }
  }

  /** The claim ended without a node: failed, cancelled or expired on the scheduler. */
  public static final class ClaimFailed extends StandbyException {
    private static final long serialVersionUID = 1L;

    private final String claimId;
    private final String state;
    private final String reason;

    ClaimFailed(String claimId, String state, String reason) {
      super(Status.Code.ABORTED, "claim " + claimId + " " + state + ": " + (reason.isEmpty() ? "no reason given" : reason), null);
      this.claimId = claimId;
      this.state = state;
      this.reason = reason;
    }

    public String claimId() {
      return claimId;
    }

    /** "failed", "cancelled", "expired", "released". */
    public String state() {
      return state;
    }

    /** The scheduler's failure_reason. */
    public String reason() {
      return reason;
    }
  }

  /** No node within the launcher's wait timeout; the claim was cancelled. */
  public static final class ClaimTimeout extends StandbyException {
    private static final long serialVersionUID = 1L;

    private final String claimId;

    ClaimTimeout(String claimId, String message) {
      super(Status.Code.DEADLINE_EXCEEDED, message, null);
      this.claimId = claimId;
    }

    public String claimId() {
      return claimId;
    }

    /** Waiting longer would not help this claim: it was withdrawn. */
    @Override
    public boolean isRetryable() {
      return false;
    }
  }
}
