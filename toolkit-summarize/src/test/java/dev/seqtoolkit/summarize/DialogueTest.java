package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DialogueTest {

    @Test
    void parsesSpeakerTurnsOnePerLine() {
        Dialogue d = Dialogue.parse("Amanda: I baked cookies.\r\nJerry:Sure!\n\n  GastroMachina Foodtruck: see our site \nAmanda:\n");
        assertEquals(List.of(new Dialogue.Turn("Amanda", "I baked cookies."), new Dialogue.Turn("Jerry", "Sure!"),
                new Dialogue.Turn("GastroMachina Foodtruck", "see our site"), new Dialogue.Turn("Amanda", "")), d.turns());
        assertEquals(List.of("Amanda", "Jerry", "GastroMachina Foodtruck"), d.speakers());
        assertTrue(d.hasSpeakers());
        assertEquals("Amanda: I baked cookies.\nJerry: Sure!\nGastroMachina Foodtruck: see our site\nAmanda:", d.toText());
        assertEquals(d, Dialogue.parse(d.toText()));
    }

    @Test
    void onlyTheFirstColonSeparatesAndImplausibleSpeakersAreNotSpeakers() {
        assertEquals(new Dialogue.Turn("Simon", "8 sharp at my place?? at 8:30"), Dialogue.turn("Simon:8 sharp at my place?? at 8:30"));
        // no letter, a URL, too many words, too long: the line is an anonymous turn
        assertEquals(new Dialogue.Turn("", "8:30 is fine"), Dialogue.turn("8:30 is fine"));
        assertEquals(new Dialogue.Turn("", "http://example.com works"), Dialogue.turn("http://example.com works"));
        assertEquals(new Dialogue.Turn("", "and then he said to me: no"), Dialogue.turn("and then he said to me: no"));
        assertEquals("", Dialogue.turn("x".repeat(41) + ": hi").speaker());
        assertEquals("x".repeat(40), Dialogue.turn("x".repeat(40) + ": hi").speaker());
        assertEquals(": hi", Dialogue.turn(": hi").text());
    }

    @Test
    void textWithoutSpeakerLinesIsOneAnonymousTurnPerLine() {
        Dialogue d = Dialogue.parse("hello there\n\nhow are you\ngood, thanks");
        assertEquals(List.of(new Dialogue.Turn("", "hello there"), new Dialogue.Turn("", "how are you"),
                new Dialogue.Turn("", "good, thanks")), d.turns());
        assertFalse(d.hasSpeakers());
        assertTrue(d.speakers().isEmpty());
        assertTrue(d.turns().get(0).anonymous());
        assertEquals("hello there\nhow are you\ngood, thanks", d.toText());
        assertTrue(Dialogue.parse(" \n\t\n").turns().isEmpty());
    }
}
