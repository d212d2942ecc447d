package org.siteverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siteverify.testing.MockProvider;

/** The in-process mock ({@code org.siteverify.testing.MockProvider}) on this JVM's native path. */
class MockProviderTest {
    @Test
    void servesEveryProviderByScenarioToken() {
        try (MockProvider mock = MockProvider.start()) {
            assertTrue(mock.url().startsWith("http://127.0.0.1:"), mock.url());
            assertEquals(mock.url() + "/siteverify", mock.endpoint(Provider.PROSOPO));
            assertEquals(mock.url() + "/api/v1/token/verify", mock.endpoint(Provider.GATEKEEPER));
            assertNull(mock.caPem());
            assertEquals("mock-secret", mock.secret());
            for (Provider p : Provider.values()) {
                // The native mock's paths are the vector runner's table (MockServer.path).
                assertEquals(mock.url() + MockServer.path(p.code()), mock.endpoint(p), p.code());
                SiteverifyClient.Builder b = mock.clientBuilder(p).maxRetries(0);
                if (p == Provider.RECAPTCHA_ENTERPRISE) {
                    b.siteKey(MockProvider.SITE_KEY).projectId(MockProvider.PROJECT_ID);
                } else if (p == Provider.HCAPTCHA || p == Provider.FRIENDLY) {
                    b.siteKey(MockProvider.SITE_KEY);
                }
                try (SiteverifyClient c = b.build()) {
                    assertTrue(c.verify("pass").accepted(), p.code());
                    Outcome fail = c.verify("fail");
                    assertFalse(fail.accepted(), p.code());
                    assertTrue(fail.conclusive(), p.code());
                    Outcome down = c.verify("status:code=503");
                    assertFalse(down.accepted(), p.code());
                    assertFalse(down.conclusive(), p.code());
                }
            }
        }
    }

    @Test
    void countsRequestsAndSendsNoneForAnEmptyToken() {
        try (MockProvider mock = MockProvider.start();
             SiteverifyClient c = mock.clientBuilder(Provider.GATEKEEPER).build()) {
            assertEquals(0, mock.requests());
            c.verify("pass");
            assertEquals(1, mock.requests());
            assertFalse(c.verify("").accepted());
            assertEquals(1, mock.requests(), "an empty token is rejected locally");
        }
    }

    @Test
    void anotherSecretIsRefused() {
        try (MockProvider mock = MockProvider.start("s3cret", false);
             SiteverifyClient right = mock.clientBuilder(Provider.GATEKEEPER).build();
             SiteverifyClient wrong = SiteverifyClient.builder(Provider.GATEKEEPER).secret("mock-secret")
                     .endpoint(mock.endpoint(Provider.GATEKEEPER)).build()) {
            assertTrue(right.verify("pass").accepted());
            assertEquals(Reason.PROVIDER_REJECTED_REQUEST, wrong.verify("pass").reason());
        }
    }

    @Test
    void httpsWithItsOwnCa() {
        try (MockProvider mock = MockProvider.start(MockProvider.DEFAULT_SECRET, true);
             SiteverifyClient c = mock.clientBuilder(Provider.GATEKEEPER).build()) {
            assertTrue(mock.url().startsWith("https://"), mock.url());
            assertNotNull(mock.caPem());
            assertTrue(mock.caPem().contains("BEGIN CERTIFICATE"));
            assertTrue(c.verify("pass").accepted());
        }
    }

    @Test
    void closedIsClosed() {
        MockProvider mock = MockProvider.start();
        String endpoint = mock.endpoint(Provider.PROSOPO);
        mock.close();
        mock.close();
        assertThrows(IllegalStateException.class, mock::requests);
        try (SiteverifyClient c = SiteverifyClient.builder(Provider.PROSOPO).secret("mock-secret").endpoint(endpoint)
                .maxRetries(0).build()) {
            Outcome o = c.verify("pass");
            assertFalse(o.accepted());
            assertFalse(o.conclusive());
        }
    }
}
