package vn.loalang.provisioning.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebCertificateTest {
    @TempDir
    Path dir;

    @Test
    void carriesTheNamesGivenAndThisMachinesOwnSignedByTheCommuneCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), "Xã Thử Nghiệm");
        List<String> names = new WebCertificate(dir.resolve("tls"), List.of("192.168.1.10", "dai.xa.local"), "nobody")
                .apply(ca);
        assertEquals(List.of("192.168.1.10", "dai.xa.local", "127.0.0.1", "localhost"), names);
        X509Certificate cert = read(dir.resolve("tls/controller.pem"));
        cert.verify(ca.certificate().getPublicKey());
        assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "for a TLS server");
        assertEquals(ca.certificate(), read(dir.resolve("tls/ca.pem")), "the CA to install beside it");
    }

    @Test
    void runAgainItKeepsEveryNameTheLastCertificateHad() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), "a");
        new WebCertificate(dir.resolve("tls"), List.of("192.168.1.10", "dai.xa.local"), "nobody").apply(ca);
        X509Certificate first = read(dir.resolve("tls/controller.pem"));
        List<String> again = new WebCertificate(dir.resolve("tls"), List.of("10.0.0.5"), "nobody").apply(ca);
        assertTrue(again.containsAll(List.of("10.0.0.5", "192.168.1.10", "dai.xa.local", "127.0.0.1", "localhost")),
                again.toString());
        assertNotEquals(first, read(dir.resolve("tls/controller.pem")), "renewed");
    }

    @Test
    void needsTheAddressPeopleReachTheServerAt() {
        assertThrows(IllegalArgumentException.class, () -> new WebCertificate(dir, List.of(), null));
    }

    private static X509Certificate read(Path pem) throws Exception {
        return CertificateAuthority.parseCertificate(Files.readString(pem));
    }
}
