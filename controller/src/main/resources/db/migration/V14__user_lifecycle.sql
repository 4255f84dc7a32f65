-- A user given a password by someone else (the first administrator's printed one, or one an administrator
-- set) must change it before anything else: 1 until they do. Disabling, re-enabling and role or village
-- changes need no column (app_user.disabled, role, villages_json) but end the user's sessions at once.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
