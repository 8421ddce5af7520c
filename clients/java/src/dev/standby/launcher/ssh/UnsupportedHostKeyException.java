package dev.standby.launcher.ssh;

import com.jcraft.jsch.JSchException;

/**
 * None of the node's pinned host keys is of a type JSch can verify, so no
 * connection can be trusted and none is attempted. The node's provider must
 * offer one of {@link NodeSsh#SUPPORTED_HOST_KEY_TYPES} besides its default
 * (for the local provider: an ECDSA host key in the template).
 */
public final class UnsupportedHostKeyException extends JSchException {
  private static final long serialVersionUID = 1L;

  public UnsupportedHostKeyException(String message) {
    super(message);
  }
}
