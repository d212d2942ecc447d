package org.siteverify.servlet;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import org.siteverify.InvalidArgumentException;
import org.siteverify.Outcome;
import org.siteverify.SiteverifyClient;
import org.siteverify.SiteverifyException;
import org.siteverify.VerifyOptions;
import org.siteverify.internal.MiniJson;

/**
 * A Jakarta Servlet (6.0+) filter that lets a request through only when its CAPTCHA token
 * verifies. Needs {@code jakarta.servlet:jakarta.servlet-api} (your container provides it; the
 * siteverify artifact declares it {@code provided}, so a plain-client user gets nothing extra).
 *
 * <ul>
 *   <li>The token comes from the provider's documented form field ({@link #defaultTokenField}),
 *       or {@link Builder#tokenField one you name}, in a form ({@code
 *       application/x-www-form-urlencoded}), multipart ({@code multipart/form-data}) or JSON body
 *       (a top-level string member; the body stays readable downstream). A missing token is an
 *       empty one: rejected locally, nothing sent.</li>
 *   <li>The client IP is the connection's peer ({@code getRemoteAddr()}); only with
 *       {@link Builder#trustProxyHeader} does a header (the right-most entry of, say,
 *       {@code X-Forwarded-For}) replace it. A peer that is not an IP literal (a Unix socket, a
 *       test client) means no IP is sent; the filter never resolves names.</li>
 *   <li>Accepted: the request goes on, with the {@link Outcome} in the request attribute
 *       {@value #OUTCOME_ATTRIBUTE}. Not accepted and conclusive (a bad token): 403. Not accepted
 *       and inconclusive (provider down, a configuration problem, under fail-closed): 503 with
 *       {@code Retry-After}. With {@link Builder#enforce enforce(false)} every request goes on
 *       and the handler reads the attribute itself (to show a form error, say).</li>
 *   <li>Only the methods of {@link Builder#methods} are checked (default: POST, PUT, PATCH and
 *       DELETE); others pass untouched.</li>
 * </ul>
 *
 * <p>The filter decides nothing about the verdict: it reads {@code accepted()} and
 * {@code conclusive()}, which come from the core. It does not own the client: close the client
 * when your application stops.
 *
 * <pre>{@code
 * SiteverifyClient client = SiteverifyClient.builder(Provider.PROSOPO).secret(secret).build();
 * servletContext.addFilter("captcha", SiteverifyFilter.builder(client).build())
 *         .addMappingForUrlPatterns(null, false, "/signup");
 * }</pre>
 */
public final class SiteverifyFilter implements Filter {
    /** The request attribute holding the {@link Outcome} (set before the verdict is acted on). */
    public static final String OUTCOME_ATTRIBUTE = "org.siteverify.outcome";

    /** The request attribute holding the {@link SiteverifyException} when verifying failed with an error (then 503). */
    public static final String ERROR_ATTRIBUTE = "org.siteverify.error";

    private static final Map<String, String> FIELDS = Map.of(
            "prosopo", "procaptcha-response",
            "gatekeeper", "captchaToken",
            "turnstile", "cf-turnstile-response",
            "hcaptcha", "h-captcha-response",
            "recaptcha", "g-recaptcha-response",
            "recaptcha-enterprise", "g-recaptcha-response",
            "friendly", "frc-captcha-response",
            "yandex", "smart-token");

    private final SiteverifyClient client;
    private final String tokenField;
    private final String proxyHeader;
    private final Set<String> methods;
    private final boolean enforce;
    private final int maxBodyBytes;

    private SiteverifyFilter(Builder b) {
        this.client = b.client;
        this.tokenField = b.tokenField != null ? b.tokenField : defaultTokenField(b.client.provider().code());
        this.proxyHeader = b.proxyHeader;
        this.methods = Set.copyOf(b.methods);
        this.enforce = b.enforce;
        this.maxBodyBytes = b.maxBodyBytes;
    }

    /** A filter with the defaults: the provider's field, the peer's IP, enforcing. */
    public SiteverifyFilter(SiteverifyClient client) {
        this(builder(client));
    }

    public static Builder builder(SiteverifyClient client) {
        return new Builder(client);
    }

    /**
     * The form field a provider's widget posts its token in, by the core's provider name
     * ({@code procaptcha-response} for Prosopo, {@code captchaToken} for GateKeeper,
     * {@code cf-turnstile-response}, {@code h-captcha-response}, {@code g-recaptcha-response},
     * {@code frc-captcha-response}, {@code smart-token}).
     *
     * @throws IllegalArgumentException for a provider without a known field (name one with
     *     {@link Builder#tokenField})
     */
    public static String defaultTokenField(String provider) {
        String f = FIELDS.get(provider);
        if (f == null) {
            throw new IllegalArgumentException("no default token field for provider " + provider
                    + "; set one with tokenField(...)");
        }
        return f;
    }

    /** The field this filter reads the token from. */
    public String tokenField() {
        return tokenField;
    }

    /** Options of a {@link SiteverifyFilter}. */
    public static final class Builder {
        private final SiteverifyClient client;
        private String tokenField;
        private String proxyHeader;
        private Set<String> methods = Set.of("POST", "PUT", "PATCH", "DELETE");
        private boolean enforce = true;
        private int maxBodyBytes = 1 << 20;

        private Builder(SiteverifyClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** The form / JSON field holding the token (default: the provider's, {@link #defaultTokenField}). */
        public Builder tokenField(String field) {
            this.tokenField = Objects.requireNonNull(field, "field");
            return this;
        }

        /**
         * Takes the client IP from this header instead of the connection's peer: its right-most
         * entry (the address your proxy saw), when it is an IP literal; otherwise no IP is sent.
         * Set it only behind a reverse proxy you run that sets (or appends to) the header: anyone
         * else can write it. Off by default.
         */
        public Builder trustProxyHeader(String header) {
            this.proxyHeader = Objects.requireNonNull(header, "header");
            return this;
        }

        /** The HTTP methods checked (default POST, PUT, PATCH, DELETE); others pass untouched. */
        public Builder methods(String... methods) {
            Set<String> s = new java.util.HashSet<>();
            for (String m : methods) {
                s.add(m.toUpperCase(Locale.ROOT));
            }
            this.methods = s;
            return this;
        }

        /**
         * {@code true} (default): answer 403 / 503 when not accepted. {@code false}: let every
         * request through with the outcome in {@value #OUTCOME_ATTRIBUTE}, for the handler to act on.
         */
        public Builder enforce(boolean enforce) {
            this.enforce = enforce;
            return this;
        }

        /** The largest JSON body read for the token (default 1 MiB); a larger one is answered 413. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes must not be negative");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        public SiteverifyFilter build() {
            return new SiteverifyFilter(this);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || !methods.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletRequest forward = request;
        String token;
        if (isJson(request.getContentType())) {
            CachedBody cached = new CachedBody(request, maxBodyBytes);
            if (cached.tooLarge) {
                response.sendError(413, "request body too large for the CAPTCHA check");
                return;
            }
            forward = cached;
            token = jsonToken(cached.body, charset(request));
        } else {
            token = formToken(request);
        }
        String ip = clientIp(request);
        Outcome outcome;
        try {
            outcome = verify(token == null ? "" : token, ip);
        } catch (SiteverifyException e) {
            // An error instead of an outcome (the client closed, say): nobody could tell.
            request.setAttribute(ERROR_ATTRIBUTE, e);
            if (enforce) {
                response.setHeader("Retry-After", "5");
                response.sendError(503, "CAPTCHA check unavailable");
                return;
            }
            chain.doFilter(forward, response);
            return;
        }
        request.setAttribute(OUTCOME_ATTRIBUTE, outcome);
        if (outcome.accepted() || !enforce) {
            chain.doFilter(forward, response);
            return;
        }
        if (outcome.conclusive()) {
            response.sendError(403, "CAPTCHA check failed: " + outcome.reason().code());
        } else {
            response.setHeader("Retry-After", "5");
            response.sendError(503, "CAPTCHA check inconclusive: " + outcome.reason().code());
        }
    }

    private Outcome verify(String token, String ip) {
        if (ip == null) {
            return client.verify(token);
        }
        try {
            return client.verify(token, VerifyOptions.remoteIp(ip));
        } catch (InvalidArgumentException e) {
            return client.verify(token); // an address the core will not send: send none
        }
    }

    // ---- the token ----

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        t = (semi < 0 ? t : t.substring(0, semi)).trim();
        return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"));
    }

    private static Charset charset(HttpServletRequest request) {
        String enc = request.getCharacterEncoding();
        try {
            return enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private String jsonToken(byte[] body, Charset charset) {
        try {
            Object doc = MiniJson.parse(new String(body, charset));
            if (doc instanceof Map<?, ?> m && m.get(tokenField) instanceof String s) {
                return s;
            }
        } catch (RuntimeException e) {
            // Not JSON (or nested too deeply): no token.
        }
        return null;
    }

    private String formToken(HttpServletRequest request) {
        String token;
        try {
            token = request.getParameter(tokenField);
        } catch (RuntimeException e) {
            token = null; // a malformed body the container refused to parse
        }
        if (token != null) {
            return token;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        try {
            Part part = request.getPart(tokenField);
            if (part == null || part.getSize() > maxBodyBytes) {
                return null;
            }
            try (InputStream in = part.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | ServletException | RuntimeException e) {
            // No multipart configuration for this servlet, or a malformed body: no token.
            return null;
        }
    }

    // ---- the client IP ----

    private String clientIp(HttpServletRequest request) {
        if (proxyHeader != null) {
            String h = request.getHeader(proxyHeader);
            if (h != null) {
                String[] entries = h.split(",");
                return ipLiteral(entries[entries.length - 1]);
            }
        }
        return ipLiteral(request.getRemoteAddr());
    }

    /**
     * {@code s} as a normalised IP address when it is an IPv4 or IPv6 literal (brackets and an
     * IPv4 port allowed, as some proxies write them), else null. Never a name lookup.
     */
    static String ipLiteral(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0) {
                return null;
            }
            t = t.substring(1, end);
        } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':') && t.indexOf('.') > 0) {
            t = t.substring(0, t.indexOf(':')); // 203.0.113.7:4711
        }
        if (t.isEmpty() || t.indexOf('%') >= 0) {
            return null;
        }
        boolean v6 = t.indexOf(':') >= 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || (v6 && (c == ':' || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return null;
            }
        }
        if (!v6 && t.chars().filter(c -> c == '.').count() != 3) {
            return null; // "1234" would be read as a number by InetAddress
        }
        try {
            // Only literals reach here (digits, dots, hex and colons): no lookup happens.
            return InetAddress.getByName(t).getHostAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    // ---- a JSON body read once, readable again downstream ----

    private static final class CachedBody extends HttpServletRequestWrapper {
        final byte[] body;
        final boolean tooLarge;

        CachedBody(HttpServletRequest request, int max) throws IOException {
            super(request);
            byte[] b;
            try (InputStream in = request.getInputStream()) {
                b = in.readNBytes(max + 1); // never more than the cap in memory
            }
            this.body = b;
            this.tooLarge = b.length > max;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was already read by SiteverifyFilter");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset(this)));
        }
    }
}
