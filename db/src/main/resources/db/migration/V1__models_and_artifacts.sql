-- Base models that can be quantized, and the content-addressed files of the model store.

CREATE TABLE models (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL UNIQUE,
    architecture    text        NOT NULL,
    parameter_count bigint      NOT NULL CHECK (parameter_count >= 0),
    file_name       text        NOT NULL UNIQUE,
    file_bytes      bigint      NOT NULL CHECK (file_bytes >= 0),
    sha256          char(64)    NOT NULL,
    registered_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE artifacts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('gguf', 'imatrix', 'base-logits')),
    -- relative to the model store root, '/' separated; never an absolute path
    path       text        NOT NULL UNIQUE,
    bytes      bigint      NOT NULL CHECK (bytes >= 0),
    sha256     char(64)    NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
