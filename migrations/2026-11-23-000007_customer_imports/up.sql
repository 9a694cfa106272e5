-- Customer CSV imports: the uploaded file is checked and kept here between the preview and the
-- run, and the background run reports its progress here for the page to show.
CREATE TABLE customer_imports (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by      bigint NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    file_name       text NOT NULL,
    content         bytea NOT NULL,
    total_rows      integer NOT NULL,
    valid_rows      integer NOT NULL,
    error_count     integer NOT NULL,
    errors          jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'checked'
                    CHECK (status IN ('checked', 'running', 'done', 'failed')),
    all_or_nothing  boolean NOT NULL DEFAULT true,
    done_rows       integer NOT NULL DEFAULT 0,
    imported_rows   integer NOT NULL DEFAULT 0,
    message         text NOT NULL DEFAULT '',
    finished_at     timestamptz
);
CREATE INDEX customer_imports_created_by_idx ON customer_imports (created_by, id DESC);
