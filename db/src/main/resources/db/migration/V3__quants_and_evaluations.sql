-- Quantized models (produced by jobs or uploaded) and their evaluations: the leaderboard's facts.

CREATE TABLE quants (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- one quant per producing job: a redelivered request cannot add a second one
    job_id              uuid UNIQUE REFERENCES jobs (id),
    model_id            bigint      NOT NULL REFERENCES models (id),
    name                text        NOT NULL,
    ftype               text        NOT NULL,
    recipe              text        NOT NULL,
    imatrix_artifact_id bigint REFERENCES artifacts (id),
    artifact_id         bigint      NOT NULL REFERENCES artifacts (id),
    size_bytes          bigint      NOT NULL CHECK (size_bytes >= 0),
    bits_per_weight     double precision NOT NULL,
    tensor_types        jsonb       NOT NULL,
    origin              text        NOT NULL CHECK (origin IN ('produced', 'community')),
    author              text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (origin <> 'produced' OR job_id IS NOT NULL)
);

CREATE INDEX quants_by_model ON quants (model_id, bits_per_weight);

CREATE TABLE evaluations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quant_id          bigint      NOT NULL REFERENCES quants (id),
    job_id            uuid UNIQUE REFERENCES jobs (id),
    dataset           text        NOT NULL,
    dataset_sha256    char(64)    NOT NULL,
    n_ctx             integer     NOT NULL CHECK (n_ctx > 0),
    chunks            integer     NOT NULL CHECK (chunks > 0),
    expert_used_count integer,
    ppl               double precision,
    ppl_error         double precision,
    kld_mean          double precision,
    kld_error         double precision,
    kld_p99           double precision,
    delta_p_mean      double precision,
    delta_p_rms       double precision,
    same_top_p        double precision,
    tokens_per_second double precision,
    tool_version      text        NOT NULL,
    imatrix_sha256    char(64),
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX evaluations_by_quant ON evaluations (quant_id);
