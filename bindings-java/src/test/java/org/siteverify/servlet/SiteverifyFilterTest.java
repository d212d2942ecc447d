package org.siteverify.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siteverify.Outcome;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;
import org.siteverify.testing.MockProvider;

/** The servlet filter inside a real Tomcat, over HTTP, against the in-process mock. */
class SiteverifyFilterTest {
    private static MockProvider mock;
    private static SiteverifyClient client;
    private static Tomcat tomcat;
    private static Path base;
    private static String url;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The form handler: what the filter let through, and whether the body is still readable. */
    static final class Handler extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            Outcome o = (Outcome) req.getAttribute(SiteverifyFilter.OUTCOME_ATTRIBUTE);
            String body = req.getContentType() != null && req.getContentType().startsWith("application/json")
                    ? new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
            res.setContentType("text/plain;charset=utf-8");
            res.getWriter().print(o == null ? "no-outcome"
                    : "accepted=" + o.accepted() + " reason=" + o.reason().code() + " provider_reason="
                            + o.providerReason().orElse("") + " body=" + body.length());
        }
    }

    private static void filter(Context ctx, String name, Filter f, String pattern) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(f);
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(pattern);
        ctx.addFilterMap(map);
    }

    @BeforeAll
    static void start() throws Exception {
        mock = MockProvider.start();
        client = mock.clientBuilder(Provider.PROSOPO).maxRetries(0).build();
        base = Files.createTempDirectory("siteverify-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        Context ctx = tomcat.addContext("", base.toString());
        Wrapper w = Tomcat.addServlet(ctx, "handler", new Handler());
        w.setMultipartConfigElement(new MultipartConfigElement(""));
        ctx.addServletMappingDecoded("/*", "handler");
        filter(ctx, "strict", new SiteverifyFilter(client), "/strict/*");
        filter(ctx, "proxied", SiteverifyFilter.builder(client).trustProxyHeader("X-Forwarded-For").build(),
                "/proxied/*");
        filter(ctx, "soft", SiteverifyFilter.builder(client).enforce(false).tokenField("captcha").build(), "/soft/*");
        filter(ctx, "small", SiteverifyFilter.builder(client).maxBodyBytes(64).build(), "/small/*");
        tomcat.getConnector();
        tomcat.start();
        url = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        client.close();
        mock.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> formIn(String path, String field, String token, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(token == null ? "name=x"
                        : "name=x&" + field + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    private static HttpResponse<String> form(String path, String token, String... headers) throws Exception {
        return formIn(path, "procaptcha-response", token, headers);
    }

    private static HttpResponse<String> multipart(String path, String token) throws Exception {
        String boundary = "----siteverify" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"procaptcha-response\"\r\n\r\n"
                + token + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        return send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> json(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void formBodies() throws Exception {
        HttpResponse<String> ok = form("/strict/signup", "pass");
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().startsWith("accepted=true reason=verified"), ok.body());
        assertEquals(403, form("/strict/signup", "fail").statusCode());
        assertEquals(403, form("/strict/signup", null).statusCode(), "a missing token is rejected");
        HttpResponse<String> down = form("/strict/signup", "status:code=503");
        assertEquals(503, down.statusCode(), "inconclusive under fail-closed");
        assertEquals("5", down.headers().firstValue("Retry-After").orElse(""));
    }

    @Test
    void multipartBodies() throws Exception {
        HttpResponse<String> ok = multipart("/strict/upload", "pass");
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().startsWith("accepted=true"), ok.body());
        assertEquals(403, multipart("/strict/upload", "fail").statusCode());
        assertEquals(503, multipart("/strict/upload", "status:code=503").statusCode());
    }

    @Test
    void jsonBodiesStayReadable() throws Exception {
        String body = "{\"name\":\"x\",\"nested\":{\"procaptcha-response\":\"fail\"},\"procaptcha-response\":\"pass\"}";
        HttpResponse<String> ok = json("/strict/api", body);
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().endsWith(" body=" + body.length()), "the handler reads the body again: " + ok.body());
        assertEquals(403, json("/strict/api", "{\"procaptcha-response\":\"fail\"}").statusCode());
        assertEquals(403, json("/strict/api", "{\"procaptcha-response\":42}").statusCode());
        assertEquals(403, json("/strict/api", "not json").statusCode());
        assertEquals(403, json("/strict/api", "[".repeat(10_000)).statusCode(), "deep nesting is no token");
        assertEquals(503, json("/strict/api", "{\"procaptcha-response\":\"status:code=503\"}").statusCode());
        assertEquals(413, json("/small/api", "{\"procaptcha-response\":\"pass\",\"pad\":\"" + "x".repeat(100) + "\"}")
                .statusCode());
    }

    @Test
    void safeMethodsPassUntouched() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/strict/signup")).GET());
        assertEquals(200, r.statusCode());
        assertEquals("no-outcome", r.body());
    }

    @Test
    void theClientIpIsThePeerUnlessAProxyHeaderIsTrusted() throws Exception {
        String peer = form("/strict/x", "echo", "X-Forwarded-For", "203.0.113.9").body();
        assertTrue(peer.contains("provider_reason=ip=127.0.0.1 "), "the header is ignored by default: " + peer);
        String proxied = form("/proxied/x", "echo", "X-Forwarded-For", "198.51.100.1, 203.0.113.9").body();
        assertTrue(proxied.contains("provider_reason=ip=203.0.113.9 "), "the right-most entry: " + proxied);
        String garbage = form("/proxied/x", "echo", "X-Forwarded-For", "unknown").body();
        assertTrue(garbage.contains("provider_reason=ip=- "), "no IP for a header that is no IP: " + garbage);
        assertEquals(200, form("/proxied/x", "pass", "X-Forwarded-For", "unknown").statusCode());
    }

    @Test
    void notEnforcingLeavesTheDecisionToTheHandler() throws Exception {
        HttpResponse<String> r = formIn("/soft/comment", "captcha", "fail");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("accepted=false reason=token-invalid"), r.body());
        HttpResponse<String> down = formIn("/soft/comment", "captcha", "status:code=503");
        assertTrue(down.body().startsWith("accepted=false reason=provider-unavailable"), down.body());
    }

    @Test
    void ipLiterals() {
        assertEquals("127.0.0.1", SiteverifyFilter.ipLiteral("127.0.0.1"));
        assertEquals("203.0.113.7", SiteverifyFilter.ipLiteral(" 203.0.113.7:4711 "));
        assertEquals("0:0:0:0:0:0:0:1", SiteverifyFilter.ipLiteral("[::1]:80"));
        assertEquals("2001:db8:0:0:0:0:0:1", SiteverifyFilter.ipLiteral("2001:db8::1"));
        for (String notIp : new String[] {"testclient", "localhost", "", "1234", "unix:/run/app.sock", "fe80::1%eth0",
                "example.com", "1.2.3", null}) {
            assertNull(SiteverifyFilter.ipLiteral(notIp), String.valueOf(notIp));
        }
    }

    @Test
    void defaultFields() {
        assertEquals("procaptcha-response", SiteverifyFilter.defaultTokenField("prosopo"));
        assertEquals("captchaToken", SiteverifyFilter.defaultTokenField("gatekeeper"));
        assertEquals("cf-turnstile-response", SiteverifyFilter.defaultTokenField("turnstile"));
        assertEquals("g-recaptcha-response", SiteverifyFilter.defaultTokenField("recaptcha-enterprise"));
        assertEquals("smart-token", SiteverifyFilter.defaultTokenField("yandex"));
        assertThrows(IllegalArgumentException.class, () -> SiteverifyFilter.defaultTokenField("nope"));
        for (Provider p : Provider.values()) {
            assertFalse(SiteverifyFilter.defaultTokenField(p.code()).isEmpty(), p.code());
        }
        try (SiteverifyClient gk = mock.clientBuilder(Provider.GATEKEEPER).build()) {
            assertEquals("captchaToken", new SiteverifyFilter(gk).tokenField());
        }
    }
}
