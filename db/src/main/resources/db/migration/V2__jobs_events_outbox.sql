-- Jobs, the events workers report about them, and the transactional outbox towards Kafka.

CREATE TABLE jobs (
    id                  uuid PRIMARY KEY,
    type                text        NOT NULL CHECK (type IN ('QUANTIZE', 'EVALUATE', 'IMATRIX', 'SERVE')),
    status              text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    model_id            bigint REFERENCES models (id),
    request             jsonb       NOT NULL,
    idempotency_key     text UNIQUE,
    progress            double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    stage               text,
    error               text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz
);

CREATE INDEX jobs_by_status_and_type ON jobs (status, type, created_at DESC);
CREATE INDEX jobs_by_created ON jobs (created_at DESC);

CREATE TABLE job_events (
    -- the producer's event id: an event delivered twice is stored once
    event_id    uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    job_id      uuid        NOT NULL REFERENCES jobs (id),
    type        text        NOT NULL CHECK (type IN ('STARTED', 'PROGRESS', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    at          timestamptz NOT NULL,
    fraction    double precision,
    stage       text,
    message     text,
    -- false when the job was already finished (late or redelivered work): kept for the record only
    applied     boolean     NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX job_events_by_job ON job_events (job_id, seq);

CREATE TABLE outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic        text        NOT NULL,
    message_key  text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
