-- Issue 18 (decision 0036): a recording the library cannot play itself (a phone's M4A, AMR, Ogg/Opus, an MP2,
-- a float WAV) is converted to MP3 by ffmpeg; the item's file is that MP3, and the upload is kept beside it in
-- content/originals/<sha256> for staff to download. Null: the item was kept as uploaded.
ALTER TABLE library_item ADD COLUMN original_sha256 TEXT;
-- What it was: "M4A", "AMR", "Ogg", "MP2", "WAV"...
ALTER TABLE library_item ADD COLUMN original_format TEXT;
ALTER TABLE library_item ADD COLUMN original_bytes INTEGER;
