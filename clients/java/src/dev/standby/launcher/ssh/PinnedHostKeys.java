package dev.standby.launcher.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * A JSch host key repository that knows exactly the keys the scheduler pinned
 * for one node, and learns nothing: any other key is refused (with
 * StrictHostKeyChecking=yes JSch then aborts the connection before it
 * authenticates).
 */
public final class PinnedHostKeys implements HostKeyRepository {
  /** One pinned key: its type and wire-format blob. */
  public static final class Key {
    public final String type;
    final byte[] blob;

    Key(String type, byte[] blob) {
      this.type = type;
      this.blob = blob;
    }
  }

  private final String host;
  private final List<Key> keys;

  /**
   * host: what JSch will be asked about ("[addr]:port", or addr for port 22);
   * lines: known_hosts-form keys ("ecdsa-sha2-nistp256 AAAA... [comment]").
   * Lines that are not keys are ignored.
   */
  public PinnedHostKeys(String host, List<String> lines) {
    this.host = host;
    List<Key> parsed = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length < 2) continue;
      try {
        parsed.add(new Key(parts[0], Base64.getDecoder().decode(parts[1])));
      } catch (IllegalArgumentException e) {
        // Not base64: not a key.
      }
    }
    this.keys = Collections.unmodifiableList(parsed);
  }

  public List<Key> keys() {
    return keys;
  }

  /** The pinned key types, in the order the scheduler gave them. */
  public List<String> types() {
    List<String> types = new ArrayList<>();
    for (Key k : keys) if (!types.contains(k.type)) types.add(k.type);
    return types;
  }

  @Override
  public int check(String host, byte[] key) {
    boolean sameTypePinned = false;
    String type = typeOf(key);
    for (Key k : keys) {
      if (Arrays.equals(k.blob, key)) return OK;
      if (k.type.equals(type)) sameTypePinned = true;
    }
    return sameTypePinned ? CHANGED : NOT_INCLUDED;
  }

  /** Never learns a key. */
  @Override
  public void add(HostKey hostkey, UserInfo ui) {}

  @Override
  public void remove(String host, String type) {}

  @Override
  public void remove(String host, String type, byte[] key) {}

  @Override
  public String getKnownHostsRepositoryID() {
    return "standby-pinned-host-keys";
  }

  @Override
  public HostKey[] getHostKey() {
    return getHostKey(host, null);
  }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    List<HostKey> out = new ArrayList<>();
    for (Key k : keys) {
      if (type != null && !type.equals(k.type)) continue;
      try {
        out.add(new HostKey(this.host, k.blob));
      } catch (JSchException e) {
        // A type JSch cannot represent (ssh-ed25519): it can never match anyway.
      }
    }
    return out.toArray(new HostKey[0]);
  }

  /** The type name at the start of an SSH wire-format key. */
  static String typeOf(byte[] blob) {
    if (blob.length < 4) return "";
    int len = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
    if (len < 0 || len > blob.length - 4) return "";
    return new String(blob, 4, len, java.nio.charset.StandardCharsets.US_ASCII);
  }
}
