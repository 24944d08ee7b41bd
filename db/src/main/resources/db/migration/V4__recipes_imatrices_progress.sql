-- Quantization recipes, importance-matrix artifacts and per-tensor progress (issue 6).

-- what a job is doing now (current tensor or chunk, bytes written), and the request's warnings
ALTER TABLE jobs ADD COLUMN progress_detail jsonb;
ALTER TABLE jobs ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
ALTER TABLE job_events ADD COLUMN detail jsonb;

-- the recipe as requested (ftype, custom_q rules, type options, pure, override_kv); the text form stays in recipe
ALTER TABLE quants ADD COLUMN recipe_options jsonb NOT NULL DEFAULT '{}';
ALTER TABLE quants ADD COLUMN parameter_count bigint CHECK (parameter_count >= 0);
-- every tensor in file order: [{"name", "shape": [ne0, ne1, ...], "type", "bytes"}]
ALTER TABLE quants ADD COLUMN tensors jsonb NOT NULL DEFAULT '[]';

-- importance matrices computed by imatrix jobs; the file is an artifact of kind 'imatrix'
CREATE TABLE imatrices (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- one imatrix per producing job: a redelivered request cannot add a second one
    job_id         uuid UNIQUE REFERENCES jobs (id),
    model_id       bigint      NOT NULL REFERENCES models (id),
    artifact_id    bigint      NOT NULL REFERENCES artifacts (id),
    dataset        text        NOT NULL,
    dataset_sha256 char(64)    NOT NULL,
    n_ctx          integer     NOT NULL CHECK (n_ctx > 0),
    chunks         integer     NOT NULL CHECK (chunks > 0),
    tokens         bigint      NOT NULL CHECK (tokens > 0),
    entries        integer     NOT NULL CHECK (entries >= 0),
    perplexity     double precision,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX imatrices_by_model ON imatrices (model_id, created_at DESC);
