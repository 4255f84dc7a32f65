package vn.loalang.provisioning.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void issuesABrokerCertificateForEveryNameStationsUseSignedByTheCommunesCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, "Xã Thử Nghiệm");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
        X509Certificate server = ca.issueServer(List.of("192.168.1.10", "loalang.local")).certificate();
        server.verify(ca.certificate().getPublicKey());
        server.checkValidity();
        List<List<?>> names = List.copyOf(server.getSubjectAlternativeNames());
        assertTrue(names.contains(List.of(7, "192.168.1.10")), names.toString());
        assertTrue(names.contains(List.of(2, "loalang.local")), names.toString());
        assertEquals(-1, server.getBasicConstraints(), "the broker's certificate cannot sign others");
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "for a TLS server");
        assertTrue(ca.certificate().getBasicConstraints() >= 0, "the CA can sign");
    }

    @Test
    void keepsItsCaAcrossRunsSoEnrolledStationsKeepTrustingTheBroker() throws Exception {
        X509Certificate first = CertificateAuthority.loadOrCreate(dir, "a").certificate();
        CertificateAuthority again = CertificateAuthority.loadOrCreate(dir, "a");
        assertEquals(first, again.certificate());
        again.issueServer(List.of("10.0.0.1")).certificate().verify(first.getPublicKey());
    }

    @Test
    void refusesACertificateWithNoName() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, "a");
        assertThrows(IllegalArgumentException.class, () -> ca.issueServer(List.of()));
    }
}
