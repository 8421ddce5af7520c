package dev.standby.launcher;

import dev.standby.v1.Node;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A provisioned node: everything an agent launcher needs to connect to it
 * (address, port, user, pinned host keys), and the lease that keeps it.
 *
 * <p>It is Serializable so a Jenkins cloud can persist it with its agent and
 * {@link StandbyLauncher#adopt adopt} the lease again after a controller
 * restart. The lease token is a secret: store it as one (a Jenkins
 * {@code Secret}); {@link #toString} never shows it.
 */
public final class StandbyNode implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String label;
  private final String provider;
  private final List<String> addresses;
  private final int sshPort;
  private final String username;
  private final List<String> hostKeys;
  private final List<String> tags;
  private final String image;
  private final String flavor;
  private final String instanceId;
  private final String claimId;
  private final String labelExpression;
  private final int leaseTtlSeconds;
  private final String claimToken;
  private final String leaseToken;

  /** For a cloud that restores a node it persisted; provision() makes the others. */
  public StandbyNode(
      String id,
      String label,
      String provider,
      List<String> addresses,
      int sshPort,
      String username,
      List<String> hostKeys,
      List<String> tags,
      String image,
      String flavor,
      String instanceId,
      String claimId,
      String labelExpression,
      int leaseTtlSeconds,
      String claimToken,
      String leaseToken) {
    this.id = Objects.requireNonNull(id, "id");
    this.label = label;
    this.provider = provider;
    this.addresses = Collections.unmodifiableList(new ArrayList<>(addresses));
    this.sshPort = sshPort;
    this.username = username;
    this.hostKeys = Collections.unmodifiableList(new ArrayList<>(hostKeys));
    this.tags = Collections.unmodifiableList(new ArrayList<>(tags));
    this.image = image;
    this.flavor = flavor;
    this.instanceId = instanceId;
    this.claimId = claimId;
    this.labelExpression = labelExpression;
    this.leaseTtlSeconds = leaseTtlSeconds;
    this.claimToken = claimToken;
    this.leaseToken = Objects.requireNonNull(leaseToken, "leaseToken");
  }

  static StandbyNode of(Node node, String claimId, String labelExpression, int leaseTtlSeconds, String claimToken, String leaseToken) {
    return new StandbyNode(
        node.getId(),
        node.getLabel(),
        node.getProvider(),
        node.getAddressesList(),
        node.getSshPort(),
        node.getUsername(),
        node.getHostKeysList(),
        node.getTagsList(),
        node.getImage(),
        node.getFlavor(),
        node.getInstanceId(),
        claimId,
        labelExpression,
        leaseTtlSeconds,
        claimToken,
        leaseToken);
  }

  public String id() {
    return id;
  }

  /** The label that served the expression (e.g. "jammy"). */
  public String label() {
    return label;
  }

  public String provider() {
    return provider;
  }

  /** Addresses to connect to, preferred first. */
  public List<String> addresses() {
    return addresses;
  }

  /** The preferred address. */
  public String address() {
    return addresses.isEmpty() ? "" : addresses.get(0);
  }

  public int sshPort() {
    return sshPort;
  }

  public String username() {
    return username;
  }

  /**
   * The node's SSH host keys as the scheduler pinned them, in known_hosts form
   * ("ecdsa-sha2-nistp256 AAAA..."). Refuse any other key.
   */
  public List<String> hostKeys() {
    return hostKeys;
  }

  /** known_hosts lines for this node ("[addr]:port key" unless the port is 22). */
  public List<String> knownHostsLines() {
    String host = sshPort == 22 ? address() : "[" + address() + "]:" + sshPort;
    List<String> lines = new ArrayList<>();
    for (String key : hostKeys) lines.add(host + " " + key);
    return lines;
  }

  public List<String> tags() {
    return tags;
  }

  public String image() {
    return image;
  }

  public String flavor() {
    return flavor;
  }

  /** The provider's own id for the machine. */
  public String instanceId() {
    return instanceId;
  }

  public String claimId() {
    return claimId;
  }

  /** The expression this node was provisioned for. */
  public String labelExpression() {
    return labelExpression;
  }

  public int leaseTtlSeconds() {
    return leaseTtlSeconds;
  }

  /** Authorises watch, get and cancel of the node's claim. Secret. */
  public String claimToken() {
    return claimToken;
  }

  /** Authorises renew and release. Secret. */
  public String leaseToken() {
    return leaseToken;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StandbyNode && ((StandbyNode) o).id.equals(id) && Objects.equals(((StandbyNode) o).claimId, claimId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, claimId);
  }

  @Override
  public String toString() {
    return "StandbyNode{" + id + " " + label + " on " + provider + ", " + username + "@" + address() + ":" + sshPort + ", claim " + claimId + "}";
  }
}
