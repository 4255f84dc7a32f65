package vn.loalang.controller.mirror.channel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MaskedPhoneTest {
    @Test
    void aNumberShowsItsNetworkAndLastThreeDigitsOnly() {
        assertEquals("09x xxx x678", MaskedPhone.of("+84912345678"));
        assertEquals("09x xxx x678", MaskedPhone.of("0912345678"));
        assertEquals("03x xxx x001", MaskedPhone.of("84351234001"));
        assertEquals("xxx xxx xxxx", MaskedPhone.of("1234"));
        assertEquals("xxx xxx xxxx", MaskedPhone.of("+8412345"));
    }

    @Test
    void eSmsGetsTheDomesticForm() {
        assertEquals("0912345678", MaskedPhone.domestic("+84912345678"));
        assertEquals("0912345678", MaskedPhone.domestic("84912345678"));
        assertEquals("0912345678", MaskedPhone.domestic("0912 345 678"));
    }

    @Test
    void aServicesWordsLoseWholeNumbers() {
        assertEquals("so 09x xxx x678 bi chan", MaskedPhone.scrub("so 0912345678 bi chan"));
        assertEquals("code 100 ok", MaskedPhone.scrub("code 100 ok"));
    }
}
