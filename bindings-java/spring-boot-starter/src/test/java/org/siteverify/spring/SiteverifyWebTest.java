package org.siteverify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.siteverify.Outcome;
import org.siteverify.Provider;
import org.siteverify.servlet.SiteverifyFilter;
import org.siteverify.testing.MockProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A Spring Boot web application configured only through properties, driven with MockMvc against
 * the in-process mock: form, multipart and JSON bodies, 403 vs 503, the outcome as a request
 * attribute, the metrics.
 */
@SpringBootTest(classes = SiteverifyWebTest.App.class)
@AutoConfigureMockMvc
class SiteverifyWebTest {
    static final MockProvider MOCK = MockProvider.start();

    @AfterAll
    static void stop() {
        MOCK.close();
    }

    @DynamicPropertySource
    static void siteverify(DynamicPropertyRegistry r) {
        r.add("siteverify.provider", () -> "prosopo");
        r.add("siteverify.secret", MOCK::secret);
        r.add("siteverify.endpoint", () -> MOCK.endpoint(Provider.PROSOPO));
        r.add("siteverify.max-retries", () -> "0");
        r.add("siteverify.filter.url-patterns", () -> "/signup,/api/*");
    }

    @SpringBootApplication
    @RestController
    static class App {
        @Bean
        SimpleMeterRegistry registry() {
            return new SimpleMeterRegistry();
        }

        @PostMapping("/signup")
        String signup(@RequestAttribute(SiteverifyFilter.OUTCOME_ATTRIBUTE) Outcome outcome) {
            return "welcome " + outcome.reason().code();
        }

        @GetMapping("/signup")
        String form(HttpServletRequest request) {
            return "form " + (request.getAttribute(SiteverifyFilter.OUTCOME_ATTRIBUTE) == null);
        }

        @PostMapping("/api/comments")
        Map<String, Object> comment(@RequestBody Map<String, Object> body,
                @RequestAttribute(SiteverifyFilter.OUTCOME_ATTRIBUTE) Outcome outcome) {
            return Map.of("text", body.get("text"), "accepted", outcome.accepted());
        }

        @PostMapping("/open")
        String unguarded() {
            return "open";
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    SimpleMeterRegistry registry;

    @Test
    void formBodies() throws Exception {
        mvc.perform(post("/signup").param("procaptcha-response", "pass"))
                .andExpect(status().isOk()).andExpect(content().string("welcome verified"));
        mvc.perform(post("/signup").param("procaptcha-response", "fail")).andExpect(status().isForbidden());
        mvc.perform(post("/signup")).andExpect(status().isForbidden());
        mvc.perform(post("/signup").param("procaptcha-response", "status:code=503"))
                .andExpect(status().isServiceUnavailable());
        mvc.perform(get("/signup")).andExpect(status().isOk()).andExpect(content().string("form true"));
        mvc.perform(post("/open")).andExpect(status().isOk());
    }

    @Test
    void multipartBodies() throws Exception {
        MockMultipartFile file = new MockMultipartFile("avatar", "a.png", "image/png", new byte[] {1, 2, 3});
        mvc.perform(multipart("/signup").file(file).param("procaptcha-response", "pass"))
                .andExpect(status().isOk());
        mvc.perform(multipart("/signup").file(file).param("procaptcha-response", "expired"))
                .andExpect(status().isForbidden());
    }

    @Test
    void jsonBodiesReachTheController() throws Exception {
        mvc.perform(post("/api/comments").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"text\":\"hello\",\"procaptcha-response\":\"pass\"}"))
                .andExpect(status().isOk())
                .andExpect(content().json("{\"text\":\"hello\",\"accepted\":true}"));
        mvc.perform(post("/api/comments").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"text\":\"hello\",\"procaptcha-response\":\"fail\"}"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/comments").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"text\":\"hello\",\"procaptcha-response\":\"status:code=502\"}"))
                .andExpect(status().isServiceUnavailable());
    }

    @Test
    void verificationsAreCounted() throws Exception {
        double before = count("verified", "true");
        for (int i = 0; i < 3; i++) {
            mvc.perform(post("/signup").param("procaptcha-response", "pass")).andExpect(status().isOk());
        }
        assertThat(count("verified", "true") - before).isEqualTo(3.0);
    }

    private double count(String reason, String accepted) {
        var c = registry.find("siteverify.verifications")
                .tags("provider", "prosopo", "reason", reason, "accepted", accepted).counter();
        return c == null ? 0 : c.count();
    }
}
