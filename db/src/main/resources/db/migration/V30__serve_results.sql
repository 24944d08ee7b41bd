-- Results of serve jobs (batch generation): one row per job, the completions as the worker reported them.

CREATE TABLE serve_results (
    job_id            uuid PRIMARY KEY REFERENCES jobs (id),
    model             text        NOT NULL,
    prompts           integer     NOT NULL CHECK (prompts >= 0),
    prompt_tokens     bigint      NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens bigint      NOT NULL CHECK (completion_tokens >= 0),
    -- [{index, text, finishReason, promptTokens, completionTokens, promptMs, generationMs}, ...]
    completions       jsonb       NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
