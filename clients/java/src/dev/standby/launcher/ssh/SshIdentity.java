package dev.standby.launcher.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A key pair the launcher logs in to its nodes with: ECDSA P-256, which both
 * JSch 0.1.55 and the nodes' SSH servers sign and verify without SHA-1 (JSch
 * signs ssh-rsa only with SHA-1 and knows no ed25519). Its public half goes
 * into {@code LauncherOptions.sshPublicKeys}; the scheduler injects it into
 * every node at claim time. The private half never leaves this object.
 */
public final class SshIdentity {
  private final String name;
  private final byte[] privateKey;
  private final byte[] publicKeyBlob;
  private final String publicKey;

  private SshIdentity(String name, byte[] privateKey, byte[] publicKeyBlob, String publicKey) {
    this.name = name;
    this.privateKey = privateKey;
    this.publicKeyBlob = publicKeyBlob;
    this.publicKey = publicKey;
  }

  /** A fresh ECDSA P-256 key pair; comment ends its public key line. */
  public static SshIdentity generate(String comment) throws JSchException {
    KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
    try {
      ByteArrayOutputStream priv = new ByteArrayOutputStream();
      pair.writePrivateKey(priv);
      ByteArrayOutputStream pub = new ByteArrayOutputStream();
      pair.writePublicKey(pub, comment == null ? "" : comment);
      String line = new String(pub.toByteArray(), StandardCharsets.US_ASCII).trim();
      return new SshIdentity(comment == null || comment.isEmpty() ? "standby-launcher" : comment, priv.toByteArray(), pair.getPublicKeyBlob(), line);
    } finally {
      pair.dispose();
    }
  }

  /** The OpenSSH public key line ("ecdsa-sha2-nistp256 AAAA... comment"). */
  public String publicKey() {
    return publicKey;
  }

  /** The public key in SSH wire format. */
  public byte[] publicKeyBlob() {
    return publicKeyBlob.clone();
  }

  void addTo(JSch jsch) throws JSchException {
    jsch.addIdentity(name, privateKey.clone(), null, null);
  }
}
