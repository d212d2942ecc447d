package org.siteverify.examples;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.siteverify.Outcome;
import org.siteverify.SiteverifyClient;
import org.siteverify.VerifyOptions;

/**
 * Lets a POST through only when its CAPTCHA token verifies. Register an instance in front of
 * your form handlers, e.g. {@code servletContext.addFilter("captcha", new CaptchaFilter(client,
 * "procaptcha-response")).addMappingForUrlPatterns(null, false, "/signup")}, or with Spring
 * Boot as a {@code FilterRegistrationBean<CaptchaFilter>}.
 */
public class CaptchaFilter implements Filter {
    private final SiteverifyClient client;   // built once at startup, shared by every request
    private final String tokenField;         // Prosopo: "procaptcha-response"

    public CaptchaFilter(SiteverifyClient client, String tokenField) {
        this.client = client;
        this.tokenField = tokenField;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        String token = request.getParameter(tokenField);
        // A missing token is an empty one: rejected locally, without a request.
        // Behind a reverse proxy, take the client IP from your trusted forwarding header.
        Outcome outcome = client.verify(token == null ? "" : token,
                VerifyOptions.remoteIp(request.getRemoteAddr()));
        if (!outcome.accepted()) {
            // Conclusive: the token is bad (403). Inconclusive: nobody could tell (503, try again).
            response.sendError(outcome.conclusive() ? 403 : 503, "CAPTCHA check failed: " + outcome.reason());
            return;
        }
        request.setAttribute("siteverify.outcome", outcome);
        chain.doFilter(req, res);
    }

    @Override
    public void destroy() {
        client.close();
    }
}
