-- The Audit page's Action filter ("Signed in", "Deactivated"): newest first within an action.
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
