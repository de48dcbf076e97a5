/*
 * A consultation from two terminals, with nothing but a JDK 17 (the source launcher compiles this
 * file in memory; no Maven, no Node, no library): an expert goes online and takes the first offer,
 * a client asks, both meet in the room, exchange a line, and the client ends it.
 *
 *   java docs/walk/Walk.java expert mei correct-horse
 *   java docs/walk/Walk.java client sam battery-staple career.interview "How do I negotiate my salary?"
 *
 * It speaks the protocol of docs/protocol.md over java.net.http (HttpClient and WebSocket) and says
 * what happens in plain lines; a server's refusal is printed as its code and message, and ends the
 * walk with exit status 1. Every wait is bounded (--wait, 300 s by default).
 */

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

public final class Walk {
  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java docs/walk/Walk.java expert USERNAME PASSWORD [options]",
      "       java docs/walk/Walk.java client USERNAME PASSWORD TOPIC QUESTION [options]",
      "The expert goes online and serves one consultation; the client asks TOPIC (career.interview) and",
      "puts QUESTION to the expert. An account that does not exist yet is signed up first.",
      "options:",
      "  --server URL     the Tandem server (default http://localhost:8080)",
      "  --wait SECONDS   the longest wait for any one step (default 300)",
      "  --name NAME      the display name when signing up (default: the username, capitalised)",
      "  --topics A,B     expert: the topics to offer (default: the saved profile, else career,career.interview)",
      "  --reply TEXT     expert: the answer to the client's first line",
      "  --mode MODE      client: chat (default) or video (the room's chat works in either)",
      "");

  /** A step that could not be taken, said in one line for a person: no stack trace. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** A wait that ran out (--wait): what was waited for did not come. */
  static final class TimedOut extends RuntimeException {
    TimedOut(String message) {
      super(message, null, false, false);
    }
  }

  public static void main(String[] args) {
    int status;
    try {
      status = run(Options.parse(args));
    } catch (Failure | TimedOut e) {
      System.err.println("walk: " + e.getMessage());
      status = 1;
    } catch (RuntimeException e) {
      System.err.println("walk: unexpected " + e);
      status = 1;
    }
    System.exit(status);
  }

  static int run(Options options) {
    if (options.help) {
      System.out.print(USAGE);
      return 0;
    }
    Server server = new Server(options.server, options.wait);
    return switch (options.role) {
      case "expert" -> new ExpertWalk(server, options).run();
      case "client" -> new ClientWalk(server, options).run();
      default -> throw new Failure("the first argument is expert or client, not '" + options.role + "'\n" + USAGE);
    };
  }

  /** The command line. */
  static final class Options {
    String role;
    String username;
    String password;
    String topic;
    String question;
    String server = "http://localhost:8080";
    Duration wait = Duration.ofSeconds(300);
    String name;
    List<String> topics;
    String reply;
    String mode = "chat";
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      List<String> positional = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          o.help = true;
          return o;
        }
        if (!arg.startsWith("--")) {
          positional.add(arg);
          continue;
        }
        if (i + 1 >= args.length) {
          throw new Failure(arg + " needs a value\n" + USAGE);
        }
        String value = args[++i];
        switch (arg) {
          case "--server" -> o.server = value.replaceAll("/+$", "");
          case "--wait" -> o.wait = Duration.ofSeconds(positiveInt(arg, value));
          case "--name" -> o.name = value;
          case "--topics" -> o.topics = List.of(value.split(","));
          case "--reply" -> o.reply = value;
          case "--mode" -> o.mode = value;
          default -> throw new Failure("unknown option " + arg + "\n" + USAGE);
        }
      }
      int needed = !positional.isEmpty() && positional.get(0).equals("client") ? 5 : 3;
      if (positional.size() != needed) {
        throw new Failure((positional.isEmpty() ? "expert or client, a username and a password, please" : "wrong number of arguments")
            + "\n" + USAGE);
      }
      o.role = positional.get(0);
      o.username = positional.get(1);
      o.password = positional.get(2);
      if (needed == 5) {
        o.topic = positional.get(3);
        o.question = positional.get(4);
      }
      if (o.name == null) {
        o.name = Character.toUpperCase(o.username.charAt(0)) + o.username.substring(1);
      }
      return o;
    }

    private static int positiveInt(String option, String value) {
      try {
        int n = Integer.parseInt(value);
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new Failure(option + " takes a whole number of seconds above 0, not '" + value + "'");
    }
  }

  /** The expert: online, the first offer taken, one exchange in the room, then offline. */
  static final class ExpertWalk {
    private final Server server;
    private final Options options;

    ExpertWalk(Server server, Options options) {
      this.server = server;
      this.options = options;
    }

    int run() {
      String token = server.signIn(options.username, options.password, "expert", options.name);
      Map<String, Object> profile = profile(token);
      say("profile: " + join(profile.get("topics")) + "; " + join(profile.get("modes")));
      try (Socket socket = server.connect(token)) {
        socket.call("presence.online", Map.of());
        say("online: waiting for an offer (at most " + options.wait.toSeconds() + " s; Ctrl-C to stop)");
        // Dropped without a word, the expert would stay online (and be offered requests nobody answers)
        // for session.reconnectGraceSeconds: offline at once on Ctrl-C.
        Thread goOffline = new Thread(() -> socket.sendQuietly("presence.offline", Map.of()));
        Runtime.getRuntime().addShutdownHook(goOffline);
        String sessionId;
        try {
          sessionId = acceptAnOffer(socket);
        } catch (TimedOut e) {
          socket.sendQuietly("presence.offline", Map.of());
          throw new Failure(e.getMessage() + "; you are offline");
        } finally {
          Runtime.getRuntime().removeShutdownHook(goOffline);
        }
        Map<String, Object> ready = socket.await("session.ready for the accepted offer",
            f -> is(f, "session.ready") && sessionId.equals(f.get("sessionId")));
        String client = text(path(ready, "peer", "displayName"));
        Map<String, Object> joined = socket.call("room.join", Map.of("sessionId", sessionId));
        say("in the room with " + client);
        Set<Long> seen = new TreeSet<>();
        String me = server.userId();
        Map<String, Object> question = null;
        for (Object m : (List<?>) joined.get("messages")) {
          Map<String, Object> message = object(m);
          seen.add(number(message.get("seq")));
          if (!me.equals(message.get("from"))) {
            question = message;
          }
        }
        if (question == null) {
          question = socket.await("the client's first line",
              f -> is(f, "room.message") && sessionId.equals(f.get("sessionId")) && !me.equals(f.get("from"))
                  && !seen.contains(number(f.get("seq"))),
              f -> endedEarly(f, sessionId));
        }
        say(client + ": " + question.get("text"));
        String reply = options.reply != null ? options.reply : "Hello " + client + ", happy to help. What have you tried so far?";
        socket.call("room.send", Map.of("sessionId", sessionId, "clientMsgId", "walk-" + UUID.randomUUID(), "text", reply));
        say("you: " + reply);
        say("waiting for " + client + " to end the session");
        Map<String, Object> ended = socket.await("the end of the session",
            f -> is(f, "session.ended") && sessionId.equals(f.get("sessionId")));
        Map<String, Object> payment = object(ended.get("payment"));
        say("ended: " + ended.get("status") + " after " + ended.get("durationSeconds") + " s; you earned "
            + money(number(payment.get("earned")), text(payment.get("currency"))));
        socket.call("presence.offline", Map.of());
        say("offline");
      }
      return 0;
    }

    /** The saved profile; saved first (or its topics changed) when there is none or --topics says so. */
    private Map<String, Object> profile(String token) {
      HttpResult saved = server.http("GET", "/api/v1/experts/me", token, null);
      Map<String, Object> profile;
      if (saved.status() == 404) {
        profile = new LinkedHashMap<>();
        profile.put("topics", options.topics != null ? options.topics : List.of("career", "career.interview"));
        profile.put("modes", List.of("chat", "video"));
        profile.put("capacity", 1);
      } else {
        profile = new LinkedHashMap<>(saved.orFail("reading your profile"));
        if (options.topics == null) {
          return profile;
        }
        profile.put("topics", options.topics);
        // What GET adds to the profile is not part of it: a PUT takes the profile alone.
        profile.keySet().retainAll(List.of("topics", "modes", "location", "capacity", "bio", "languages"));
        if (profile.get("location") == null) {
          profile.remove("location");
        }
      }
      return server.http("PUT", "/api/v1/experts/me", token, profile).orFail("saving your profile");
    }

    /** Offers until one is accepted: an offer gone by the time it is accepted (taken, withdrawn) is passed over. */
    private String acceptAnOffer(Socket socket) {
      while (true) {
        Map<String, Object> offer = socket.await("an offer", f -> is(f, "offer"));
        Map<String, Object> earns = object(offer.get("earns"));
        say("offer: " + offer.get("topic") + " (" + offer.get("mode") + ") from " + text(path(offer, "client", "displayName"))
            + ": \"" + text(offer.get("brief")) + "\"; you earn " + money(number(earns.get("amount")), text(earns.get("currency")))
            + "; " + Math.max(0, number(offer.get("expiresInMs")) / 1000) + " s to accept");
        Map<String, Object> answer = socket.send("offer.accept", Map.of("offerId", offer.get("offerId")));
        if (is(answer, "ack")) {
          say("accepted: session " + answer.get("sessionId"));
          return text(answer.get("sessionId"));
        }
        say("the offer is gone (" + answer.get("code") + ": " + answer.get("message") + "); waiting for the next");
      }
    }
  }

  /** The client: the price, the request, the room, one question and its answer, then the end and what it cost. */
  static final class ClientWalk {
    private final Server server;
    private final Options options;

    ClientWalk(Server server, Options options) {
      this.server = server;
      this.options = options;
    }

    int run() {
      String token = server.signIn(options.username, options.password, "client", options.name);
      Map<String, Object> quote = server.http("GET", "/api/v1/quotes?topic=" + encode(options.topic) + "&mode=" + encode(options.mode), null, null)
          .orFail("the price of " + options.topic);
      String currency = text(quote.get("currency"));
      say("price: " + options.mode + " on " + options.topic + " costs " + money(number(quote.get("amount")), currency)
          + " for up to " + quote.get("maxMinutes") + " minutes; your balance is " + money(server.balance(), currency));
      // Connected before asking: a request is offered only while its client is there (docs/protocol.md).
      try (Socket socket = server.connect(token)) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("topic", options.topic);
        request.put("mode", options.mode);
        request.put("brief", options.question);
        request.put("idempotencyKey", "walk-" + UUID.randomUUID());
        Map<String, Object> asked = socket.call("request.create", request);
        String requestId = text(asked.get("requestId"));
        say("asked: request " + requestId + "; " + standing(asked));
        // Left waiting, the request would hold the client's one live request for matching.clientGoneSeconds:
        // withdrawn on Ctrl-C, and when the wait ends without an expert.
        Thread withdraw = new Thread(() -> socket.sendQuietly("request.cancel", Map.of("requestId", requestId)));
        Runtime.getRuntime().addShutdownHook(withdraw);
        Map<String, Object> ready;
        try {
          ready = awaitAnExpert(socket, requestId);
        } catch (TimedOut e) {
          socket.sendQuietly("request.cancel", Map.of("requestId", requestId));
          throw new Failure(e.getMessage() + "; the request is withdrawn");
        } finally {
          Runtime.getRuntime().removeShutdownHook(withdraw);
        }
        String sessionId = text(ready.get("sessionId"));
        String expert = text(path(ready, "peer", "displayName"));
        say("session ready: " + sessionId + ", with " + expert);
        socket.call("room.join", Map.of("sessionId", sessionId));
        say("in the room with " + expert);
        String me = server.userId();
        socket.call("room.send", Map.of("sessionId", sessionId, "clientMsgId", "walk-" + UUID.randomUUID(), "text", options.question));
        say("you: " + options.question);
        Map<String, Object> answer = socket.await(expert + "'s answer",
            f -> is(f, "room.message") && sessionId.equals(f.get("sessionId")) && !me.equals(f.get("from")),
            f -> endedEarly(f, sessionId));
        say(expert + ": " + answer.get("text"));
        socket.call("session.end", Map.of("sessionId", sessionId));
        Map<String, Object> ended = socket.await("the end of the session",
            f -> is(f, "session.ended") && sessionId.equals(f.get("sessionId")));
        Map<String, Object> payment = object(ended.get("payment"));
        say("ended: " + ended.get("status") + " after " + ended.get("durationSeconds") + " s; you paid "
            + money(number(payment.get("charged")), text(payment.get("currency")))
            + "; your balance is " + money(server.balance(), currency));
      }
      return 0;
    }

    private static Map<String, Object> awaitAnExpert(Socket socket, String requestId) {
      return socket.await("an expert to accept",
          f -> is(f, "session.ready") && requestId.equals(f.get("requestId")),
          f -> {
            if (is(f, "request.status") && requestId.equals(f.get("requestId"))) {
              if ("cancelled".equals(f.get("status"))) {
                throw new Failure("the request was cancelled (" + f.get("reason") + ")");
              }
              say("waiting: " + standing(f));
            } else if (is(f, "request.expired")) {
              throw new Failure("nobody took the request before it expired; ask again later");
            } else if (is(f, "request.matched")) {
              say("matched: " + text(path(f, "expert", "displayName")));
            }
          });
    }

    private static String standing(Map<String, Object> request) {
      String status = text(request.get("status"));
      StringBuilder line = new StringBuilder("offered".equals(status) ? "offered to an expert" : status);
      if (request.get("position") != null) {
        line.append(", position ").append(request.get("position")).append(" in the queue");
      }
      if (request.get("etaSeconds") != null) {
        line.append(", expected wait ").append(request.get("etaSeconds")).append(" s");
      }
      if (request.get("reason") != null) {
        line.append(" (").append(text(request.get("reason")).replace('_', ' ')).append(")");
      }
      return line.toString();
    }
  }

  /** A session.ended while waiting for something else in that session: the walk cannot go on. */
  static void endedEarly(Map<String, Object> frame, String sessionId) {
    if (is(frame, "session.ended") && sessionId.equals(frame.get("sessionId"))) {
      throw new Failure("the session ended early: " + frame.get("status")
          + (frame.get("reason") != null ? " (" + frame.get("reason") + ")" : ""));
    }
  }

  /** The server over HTTP: signing in, reading, and where its WebSocket is. */
  static final class Server {
    private final String base;
    private final Duration wait;
    private final HttpClient http;
    private String token;
    private String userId;

    Server(String base, Duration wait) {
      this.base = base;
      this.wait = wait;
      // HTTP/1.1 from the start: the server answers an h2c upgrade in HTTP/1.1 anyway (docs/operations.md).
      this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** An access token; the account is signed up first when the username is free. */
    String signIn(String username, String password, String role, String displayName) {
      HttpResult tokens = http("POST", "/api/v1/tokens", null, Map.of("username", username, "password", password));
      if (tokens.status() == 401) {
        HttpResult created = http("POST", "/api/v1/accounts", null,
            Map.of("username", username, "password", password, "role", role, "displayName", displayName));
        if (created.status() == 409) {
          throw new Failure("the password is wrong for " + username + " (the username is taken)");
        }
        created.orFail("signing up " + username);
        say("signed up: " + username + " (" + role + ", " + displayName + ")");
        tokens = http("POST", "/api/v1/tokens", null, Map.of("username", username, "password", password));
      }
      token = text(tokens.orFail("signing in as " + username).get("accessToken"));
      Map<String, Object> me = http("GET", "/api/v1/me", token, null).orFail("reading your account");
      if (!role.equals(me.get("role"))) {
        throw new Failure(username + " is " + article(text(me.get("role"))) + ", not " + article(role) + "; sign up another username");
      }
      userId = text(me.get("id"));
      say("signed in: " + username + " (" + role + ", " + me.get("displayName") + ")");
      return token;
    }

    String userId() {
      return userId;
    }

    long balance() {
      return number(http("GET", "/api/v1/me", token, null).orFail("reading your balance").get("balance"));
    }

    HttpResult http(String method, String path, String accessToken, Map<String, ?> body) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (body != null) {
          request.header("Content-Type", "application/json");
        }
        if (accessToken != null) {
          request.header("Authorization", "Bearer " + accessToken);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new HttpResult(method + " " + path, response.statusCode(), response.body());
      } catch (ConnectException e) {
        throw new Failure("cannot reach " + base + ": is the server running? (mvn -q compile exec:exec, or --server URL)");
      } catch (HttpTimeoutException e) {
        throw new Failure(method + " " + path + ": no answer from " + base + " within 15 s");
      } catch (IOException e) {
        throw new Failure(method + " " + path + " failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("interrupted");
      } catch (IllegalArgumentException e) {
        throw new Failure("--server " + base + " is not an http:// or https:// address");
      }
    }

    /** The WebSocket, authenticated at the handshake with the access token. */
    Socket connect(String accessToken) {
      URI uri = URI.create(base.replaceFirst("^http", "ws") + "/ws");
      Socket socket = new Socket(wait);
      try {
        socket.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + accessToken)
            .buildAsync(uri, socket.listener()).get(10, TimeUnit.SECONDS);
        return socket;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
        if (cause instanceof WebSocketHandshakeException refused) {
          throw new Failure("the WebSocket at " + uri + " was refused: HTTP " + refused.getResponse().statusCode());
        }
        throw new Failure("cannot open the WebSocket at " + uri + ": " + cause);
      } catch (TimeoutException e) {
        throw new Failure("the WebSocket at " + uri + " did not open within 10 s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("interrupted");
      }
    }
  }

  /** An HTTP answer; {@link #orFail} turns a refusal into its code and message. */
  record HttpResult(String call, int status, String body) {
    Map<String, Object> orFail(String doing) {
      Object json;
      try {
        json = body.isEmpty() ? Map.of() : Json.parse(body);
      } catch (IllegalArgumentException e) {
        throw new Failure(doing + ": " + call + " answered " + status + " with something that is not JSON");
      }
      if (status / 100 != 2) {
        Map<String, Object> error = json instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> e ? object(e) : Map.of();
        throw new Failure(doing + ": " + error.getOrDefault("code", "HTTP " + status) + ": " + error.getOrDefault("message", body));
      }
      return object(json);
    }
  }

  /**
   * The WebSocket: frames in arrival order, calls answered by {@code cid}, and waits that keep what
   * they do not take for the next wait (an event can come before the answer it follows).
   */
  static final class Socket implements AutoCloseable {
    private static final Map<String, Object> CLOSED = Map.of("type", "walk.closed");
    private final Duration wait;
    private final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> unread = new ArrayList<>();
    private final Set<Map<String, Object>> handled = Collections.newSetFromMap(new IdentityHashMap<>());
    private WebSocket ws;
    private int cids;
    private String closedBecause;

    Socket(Duration wait) {
      this.wait = wait;
    }

    WebSocket.Listener listener() {
      return new WebSocket.Listener() {
        private final StringBuilder text = new StringBuilder();

        @Override
        public java.util.concurrent.CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
          text.append(data);
          if (last) {
            try {
              inbox.add(object(Json.parse(text.toString())));
            } catch (IllegalArgumentException e) {
              inbox.add(Map.of("type", "walk.unreadable", "text", text.toString()));
            }
            text.setLength(0);
          }
          socket.request(1);
          return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
          closedBecause = "the server closed the connection (" + code + (reason.isEmpty() ? "" : ", " + reason) + ")";
          inbox.add(CLOSED);
          return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
          closedBecause = "the connection failed: " + error;
          inbox.add(CLOSED);
        }
      };
    }

    /** Sends a frame with a fresh {@code cid}; returns its ack, or fails with the error's code and message. */
    Map<String, Object> call(String type, Map<String, ?> fields) {
      Map<String, Object> answer = send(type, fields);
      if (!is(answer, "ack")) {
        throw new Failure(type + ": " + answer.get("code") + ": " + answer.get("message"));
      }
      return answer;
    }

    /** Sends a frame with a fresh {@code cid}; returns its answer, an ack or an error. */
    Map<String, Object> send(String type, Map<String, ?> fields) {
      String cid = "walk-" + (++cids);
      Map<String, Object> frame = new LinkedHashMap<>(fields);
      frame.put("type", type);
      frame.put("cid", cid);
      try {
        ws.sendText(Json.write(frame), true).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | CompletionException | TimeoutException e) {
        throw new Failure(type + " could not be sent: " + (closedBecause != null ? closedBecause : e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("interrupted");
      }
      return await("the answer to " + type, f -> cid.equals(f.get("cid")));
    }

    Map<String, Object> await(String what, Predicate<Map<String, Object>> wanted) {
      return await(what, wanted, null);
    }

    /**
     * The first frame that is {@code wanted}, waiting at most --wait. Each other frame is kept for a
     * later wait and, once in the walk, given to a {@code meanwhile} (which may fail the wait: a
     * request cancelled while waiting for an expert); it may have come during an earlier wait.
     */
    Map<String, Object> await(String what, Predicate<Map<String, Object>> wanted, Consumer<Map<String, Object>> meanwhile) {
      for (Iterator<Map<String, Object>> it = unread.iterator(); it.hasNext(); ) {
        Map<String, Object> frame = it.next();
        if (wanted.test(frame)) {
          it.remove();
          return frame;
        }
        if (meanwhile != null && handled.add(frame)) {
          meanwhile.accept(frame);
        }
      }
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          Map<String, Object> frame = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
          if (frame == null) {
            throw new TimedOut("waited " + wait.toSeconds() + " s for " + what + " (--wait to wait longer)");
          }
          if (frame == CLOSED) {
            inbox.add(CLOSED);
            throw new Failure(closedBecause + " while waiting for " + what);
          }
          if (wanted.test(frame)) {
            return frame;
          }
          notice(frame);
          unread.add(frame);
          if (meanwhile != null && handled.add(frame)) {
            meanwhile.accept(frame);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("interrupted");
      }
    }

    /** Events a person should hear of whatever the walk is waiting for. */
    private static void notice(Map<String, Object> frame) {
      switch (String.valueOf(frame.get("type"))) {
        case "offer.revoked" -> say("offer " + frame.get("offerId") + " withdrawn: " + frame.get("reason"));
        case "presence.status" -> {
          // "online" answers the walk's own presence.online and a bare "offline" is the greeting
          // that tells a new connection where the expert stands; anything else happened to them.
          boolean expected = ("online".equals(frame.get("status")) || "offline".equals(frame.get("status"))) && frame.get("reason") == null;
          if (!expected) {
            say("presence: " + frame.get("status") + (frame.get("reason") != null ? " (" + frame.get("reason") + ")" : ""));
          }
        }
        case "session.ending" -> say("the session ends by itself at " + frame.get("endsAt") + " (" + frame.get("reason") + ")");
        case "penalty" -> say("penalty: " + frame.get("kind") + ", " + frame.get("points") + " points: " + frame.get("reason"));
        case "error" -> {
          if (frame.get("cid") == null) {
            say("server: " + frame.get("code") + ": " + frame.get("message"));
          }
        }
        default -> { }
      }
    }

    /** Sends a frame without waiting for its answer, as far as the connection allows: for leaving. */
    void sendQuietly(String type, Map<String, ?> fields) {
      Map<String, Object> frame = new LinkedHashMap<>(fields);
      frame.put("type", type);
      try {
        ws.sendText(Json.write(frame), true).get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the connection is gone: the server withdraws the request itself once the client is gone
      }
    }

    @Override
    public void close() {
      if (ws != null && closedBecause == null) {
        try {
          ws.sendClose(WebSocket.NORMAL_CLOSURE, "walk done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          ws.abort(); // the walk is over either way
        }
      }
    }
  }

  static void say(String line) {
    System.out.println(line);
  }

  static boolean is(Map<String, Object> frame, String type) {
    return type.equals(frame.get("type"));
  }

  static Object path(Map<String, Object> json, String... keys) {
    Object at = json;
    for (String key : keys) {
      at = at instanceof Map<?, ?> m ? m.get(key) : null;
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object json) {
    if (!(json instanceof Map<?, ?>)) {
      throw new Failure("the server answered " + json + " where an object was expected");
    }
    return (Map<String, Object>) json;
  }

  static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  static String join(Object list) {
    return list instanceof List<?> items ? String.join(", ", items.stream().map(String::valueOf).toList()) : "";
  }

  static String article(String word) {
    return ("aeiou".indexOf(word.isEmpty() ? 'x' : word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Minor units as a person reads them: 2000 CNY is CNY 20.00. */
  static String money(long minorUnits, String currency) {
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      digits = 2;
    }
    return currency + " " + BigDecimal.valueOf(minorUnits, digits).toPlainString();
  }

  /** Just enough JSON for the protocol: objects, arrays, strings, numbers, true, false, null. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json json = new Json(text);
      Object value = json.value();
      json.space();
      if (json.i != text.length()) {
        throw new IllegalArgumentException("trailing text at " + json.i);
      }
      return value;
    }

    private Object value() {
      space();
      if (i >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          Map<String, Object> object = new LinkedHashMap<>();
          i++;
          space();
          if (peek('}')) {
            return object;
          }
          do {
            space();
            String key = string();
            space();
            expect(':');
            object.put(key, value());
            space();
          } while (peek(','));
          expect('}');
          return object;
        }
        case '[': {
          List<Object> array = new ArrayList<>();
          i++;
          space();
          if (peek(']')) {
            return array;
          }
          do {
            array.add(value());
            space();
          } while (peek(','));
          expect(']');
          return array;
        }
        case '"':
          return string();
        default:
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          String number = s.substring(start, i);
          if (number.isEmpty()) {
            throw new IllegalArgumentException("unexpected " + c + " at " + start);
          }
          return number.matches("-?\\d+") ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw new IllegalArgumentException("unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> out.append(e);
        }
      }
    }

    private void space() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw new IllegalArgumentException("expected " + c + " at " + i);
      }
    }

    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
      if (value == null || value instanceof Boolean || value instanceof Number) {
        out.append(value);
      } else if (value instanceof Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          out.append(first ? "" : ",");
          first = false;
          write(String.valueOf(entry.getKey()), out);
          out.append(':');
          write(entry.getValue(), out);
        }
        out.append('}');
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int k = 0; k < list.size(); k++) {
          out.append(k == 0 ? "" : ",");
          write(list.get(k), out);
        }
        out.append(']');
      } else {
        out.append('"');
        for (char c : value.toString().toCharArray()) {
          switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
          }
        }
        out.append('"');
      }
    }
  }
}
