-- Issue 19 (the mirror): a CAP message's headline as sent. cap_message.title holds the headline or, without one, the
-- event; the chat and SMS texts print the headline only when the sender wrote one.
ALTER TABLE cap_message ADD COLUMN headline TEXT;
