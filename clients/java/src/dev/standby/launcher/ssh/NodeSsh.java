package dev.standby.launcher.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.standby.launcher.StandbyNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * SSH to a standby node with JSch (Debian's libjsch-java 0.1.55), trusting
 * only the host keys the scheduler pinned for it.
 *
 * <p>What JSch 0.1.55 speaks, and what this class lets it use:
 *
 * <ul>
 *   <li>host keys: ssh-rsa (SHA-1 signatures only), ssh-dss,
 *       ecdsa-sha2-nistp256/384/521; no ssh-ed25519, no rsa-sha2-256/512.
 *       Used: the pinned ECDSA keys first, then a pinned ssh-rsa key.
 *   <li>key exchange: ecdh-sha2-nistp256/384/521,
 *       diffie-hellman-group-exchange-sha256, and SHA-1 groups; no
 *       curve25519. Used: the ECDH and group-exchange-sha256 ones only.
 *   <li>ciphers aes128/192/256-ctr (and CBC, 3DES, blowfish: not used); MACs
 *       hmac-sha2-256 (and SHA-1, MD5: not used).
 *   <li>user keys: RSA, DSA, ECDSA in PEM form (no OpenSSH-format private keys).
 *       {@link SshIdentity} makes an ECDSA P-256 one.
 * </ul>
 *
 * So a node must offer an ECDSA (or RSA) host key besides the ed25519 default
 * for JSch to reach it; a node that pins only ed25519 keys fails with
 * {@link UnsupportedHostKeyException} before any connection is made.
 */
public final class NodeSsh {
  /** Host key types JSch can verify, in the order this class prefers them. */
  public static final List<String> SUPPORTED_HOST_KEY_TYPES =
      Collections.unmodifiableList(Arrays.asList("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"));

  static final String KEX = "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256";
  static final String CIPHERS = "aes128-ctr,aes192-ctr,aes256-ctr";
  static final String MACS = "hmac-sha2-256";

  private NodeSsh() {}

  /** Connects to a provisioned node as its user, verifying its pinned host key. */
  public static Session connect(StandbyNode node, SshIdentity identity, Duration timeout) throws JSchException {
    return connect(node.address(), node.sshPort(), node.username(), node.hostKeys(), identity, timeout);
  }

  /**
   * Connects and authenticates with identity, accepting only a host key
   * among pinnedHostKeys (known_hosts form). The caller disconnects the
   * session.
   */
  public static Session connect(String address, int port, String user, List<String> pinnedHostKeys, SshIdentity identity, Duration timeout)
      throws JSchException {
    String host = port == 22 ? address : "[" + address + "]:" + port;
    PinnedHostKeys pinned = new PinnedHostKeys(host, pinnedHostKeys);
    List<String> usable = new ArrayList<>();
    for (String type : SUPPORTED_HOST_KEY_TYPES) if (pinned.types().contains(type)) usable.add(type);
    if (usable.isEmpty()) {
      throw new UnsupportedHostKeyException(
          "node "
              + host
              + " pins host keys of type "
              + (pinned.types().isEmpty() ? "(none)" : String.join(", ", pinned.types()))
              + "; JSch 0.1.55 can verify only "
              + String.join(", ", SUPPORTED_HOST_KEY_TYPES)
              + ": the node's template must add one of those host keys");
    }
    JSch jsch = new JSch();
    jsch.setHostKeyRepository(pinned);
    identity.addTo(jsch);
    Session session = jsch.getSession(user, address, port);
    // Only the pinned types are offered, so the server cannot pick another one.
    session.setConfig("server_host_key", String.join(",", usable));
    session.setConfig("StrictHostKeyChecking", "yes");
    session.setConfig("HashKnownHosts", "no");
    session.setConfig("kex", KEX);
    session.setConfig("cipher.s2c", CIPHERS);
    session.setConfig("cipher.c2s", CIPHERS);
    session.setConfig("mac.s2c", MACS);
    session.setConfig("mac.c2s", MACS);
    session.setConfig("PreferredAuthentications", "publickey");
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    session.setTimeout(ms);
    session.connect(ms);
    return session;
  }

  /** What a command printed and how it exited. */
  public static final class ExecResult {
    public final int exitStatus;
    public final String stdout;
    public final String stderr;

    ExecResult(int exitStatus, String stdout, String stderr) {
      this.exitStatus = exitStatus;
      this.stdout = stdout;
      this.stderr = stderr;
    }
  }

  /** Runs one command on the session and waits for it (at most timeout). */
  public static ExecResult exec(Session session, String command, Duration timeout) throws JSchException, IOException {
    ChannelExec channel = (ChannelExec) session.openChannel("exec");
    channel.setCommand(command);
    channel.setInputStream(null);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    channel.setErrStream(err);
    InputStream out = channel.getInputStream();
    channel.connect((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try {
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      long end = System.nanoTime() + timeout.toNanos();
      while (true) {
        while (out.available() > 0) {
          int n = out.read(buf);
          if (n < 0) break;
          stdout.write(buf, 0, n);
        }
        if (channel.isClosed() && out.available() == 0) break;
        if (System.nanoTime() > end) throw new JSchException("command did not finish within " + timeout + ": " + command);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new JSchException("interrupted", e);
        }
      }
      return new ExecResult(channel.getExitStatus(), stdout.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      channel.disconnect();
    }
  }
}
