package dev.standby.launcher;

import com.google.gson.Gson;
import com.jcraft.jsch.Session;
import dev.standby.launcher.ssh.NodeSsh;
import dev.standby.launcher.ssh.SshIdentity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drives a StandbyLauncher from standard input, one command a line, and
 * reports on standard output, one JSON object a line, so the tests in
 * test/clients can run it against a live scheduler:
 *
 * <pre>
 *   provision N EXPRESSION...       one "provisioned" or "provision-failed" per node
 *   cancel                          cancels the futures of the last provision
 *   status                          "status": the leases and their renewals
 *   ssh NODE_ID COMMAND...          "ssh": connect verifying the pinned key, run
 *   ssh-direct ADDR PORT USER KEY_TYPE KEY_BASE64 COMMAND...
 *   terminate NODE_ID OUTCOME [HOLD_SECONDS]
 *   close                           closes the launcher
 * </pre>
 *
 * Arguments: --target HOST:PORT [--ttl S] [--wait S]. The driver makes an
 * ECDSA identity and claims with its public key (printed in "ready").
 */
public final class LauncherDriver {
  private static final Gson GSON = new Gson();
  private static final Map<String, StandbyNode> NODES = new ConcurrentHashMap<>();

  private LauncherDriver() {}

  static synchronized void emit(String event, Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", event);
    for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    System.out.println(GSON.toJson(m));
    System.out.flush();
  }

  static Map<String, Object> describe(StandbyNode n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("label", n.label());
    m.put("provider", n.provider());
    m.put("address", n.address());
    m.put("sshPort", n.sshPort());
    m.put("username", n.username());
    m.put("hostKeys", n.hostKeys());
    m.put("tags", n.tags());
    m.put("claimId", n.claimId());
    m.put("labelExpression", n.labelExpression());
    m.put("leaseTtlSeconds", n.leaseTtlSeconds());
    m.put("leaseToken", n.leaseToken());
    m.put("knownHosts", n.knownHostsLines());
    m.put("toString", n.toString());
    return m;
  }

  static Object[] failure(Throwable t) {
    Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    String code = e instanceof StandbyException ? ((StandbyException) e).code().toString() : "";
    return new Object[] {"kind", e.getClass().getSimpleName(), "code", code, "message", String.valueOf(e.getMessage())};
  }

  static Object[] concat(Object[] a, Object... b) {
    Object[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  public static void main(String[] args) throws Exception {
    String target = null;
    long ttl = 600;
    long wait = 120;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--target":
          target = args[++i];
          break;
        case "--ttl":
          ttl = Long.parseLong(args[++i]);
          break;
        case "--wait":
          wait = Long.parseLong(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (target == null) throw new IllegalArgumentException("--target HOST:PORT is required");

    SshIdentity identity = SshIdentity.generate("launcher-driver");
    LeaseListener listener =
        new LeaseListener() {
          @Override
          public void onProgress(String claimId, String expression, String event, String message, int position) {
            emit("progress", "claimId", claimId, "expression", expression, "what", event, "message", message, "queuePosition", position);
          }

          @Override
          public void onRenewed(StandbyNode node, Instant expiresAt) {
            emit("renewed", "id", node.id(), "expiresAt", expiresAt.toString());
          }

          @Override
          public void onLeaseLost(StandbyNode node, StandbyException cause) {
            emit("lost", concat(new Object[] {"id", node.id()}, failure(cause)));
          }
        };
    LauncherOptions options =
        new LauncherOptions(target)
            .requester("launcher-driver")
            .leaseTtl(Duration.ofSeconds(ttl))
            .waitTimeout(Duration.ofSeconds(wait))
            .sshPublicKeys(Collections.singletonList(identity.publicKey()))
            .listener(listener);
    StandbyLauncher launcher = new StandbyLauncher(options);
    emit("ready", "publicKey", identity.publicKey());

    List<CompletableFuture<StandbyNode>> last = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      if (words.length == 0 || words[0].isEmpty()) continue;
      try {
        switch (words[0]) {
          case "provision":
            {
              int n = Integer.parseInt(words[1]);
              String expression = String.join(" ", Arrays.asList(words).subList(2, words.length));
              last = launcher.provision(expression, n, "driver-job");
              for (int i = 0; i < last.size(); i++) {
                int index = i;
                last.get(i)
                    .whenComplete(
                        (node, err) -> {
                          if (err != null) {
                            emit("provision-failed", concat(new Object[] {"index", index}, failure(err)));
                          } else {
                            NODES.put(node.id(), node);
                            emit("provisioned", "index", index, "node", describe(node));
                          }
                        });
              }
              break;
            }
          case "cancel":
            for (CompletableFuture<StandbyNode> f : last) f.cancel(false);
            emit("cancelled", "count", last.size());
            break;
          case "status":
            {
              List<Map<String, Object>> leases = new ArrayList<>();
              for (StandbyNode node : NODES.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", node.id());
                m.put("held", launcher.leasedNodeIds().contains(node.id()));
                m.put("renewals", launcher.renewals(node));
                m.put("expiresAt", launcher.leaseExpiresAt(node).map(Instant::toString).orElse(null));
                leases.add(m);
              }
              emit("status", "leases", leases);
              break;
            }
          case "ssh":
            {
              StandbyNode node = NODES.get(words[1]);
              if (node == null) throw new IllegalArgumentException("no provisioned node " + words[1]);
              String command = String.join(" ", Arrays.asList(words).subList(2, words.length));
              ssh(words[1], () -> NodeSsh.connect(node, identity, Duration.ofSeconds(20)), command);
              break;
            }
          case "ssh-direct":
            {
              String address = words[1];
              int port = Integer.parseInt(words[2]);
              String user = words[3];
              String key = words[4] + " " + words[5];
              String command = String.join(" ", Arrays.asList(words).subList(6, words.length));
              ssh(address + ":" + port, () -> NodeSsh.connect(address, port, user, Collections.singletonList(key), identity, Duration.ofSeconds(20)), command);
              break;
            }
          case "terminate":
            {
              StandbyNode node = NODES.get(words[1]);
              if (node == null) throw new IllegalArgumentException("no provisioned node " + words[1]);
              JobOutcome outcome = JobOutcome.valueOf(words[2].toUpperCase(java.util.Locale.ROOT));
              Duration hold = words.length > 3 ? Duration.ofSeconds(Long.parseLong(words[3])) : null;
              String reason = words.length > 4 ? String.join(" ", Arrays.asList(words).subList(4, words.length)) : "";
              launcher
                  .terminate(node, outcome, hold, reason)
                  .whenComplete(
                      (t, err) -> {
                        if (err != null) emit("terminate-failed", concat(new Object[] {"id", node.id()}, failure(err)));
                        else
                          emit(
                              "terminated",
                              "id", node.id(),
                              "outcome", t.outcome().toString(),
                              "claimState", t.claimState(),
                              "held", t.held(),
                              "holdRequested", t.holdRequested() == null ? null : t.holdRequested().toString(),
                              "note", t.note());
                      });
              break;
            }
          case "close":
            launcher.close();
            emit("closed");
            break;
          default:
            emit("error", "message", "unknown command " + words[0]);
        }
      } catch (Exception e) {
        emit("error", failure(e));
      }
    }
    launcher.close();
  }

  interface Connect {
    Session open() throws Exception;
  }

  static void ssh(String id, Connect connect, String command) {
    Session session = null;
    try {
      session = connect.open();
      NodeSsh.ExecResult r = NodeSsh.exec(session, command, Duration.ofSeconds(20));
      emit("ssh", "id", id, "exit", r.exitStatus, "stdout", r.stdout, "stderr", r.stderr, "serverVersion", session.getServerVersion(), "hostKeyType", session.getHostKey().getType());
    } catch (Exception e) {
      emit("ssh-failed", concat(new Object[] {"id", id}, failure(e)));
    } finally {
      if (session != null) session.disconnect();
    }
  }
}
