-- Evaluation results with full provenance, base-model evaluations (the leaderboard's reference row)
-- and the running numbers of evaluate jobs.

-- an evaluation of the base model itself has no quant; every evaluation names its base model
ALTER TABLE evaluations ALTER COLUMN quant_id DROP NOT NULL;
ALTER TABLE evaluations ADD COLUMN model_id bigint REFERENCES models (id);
UPDATE evaluations e SET model_id = q.model_id FROM quants q WHERE q.id = e.quant_id;
ALTER TABLE evaluations ALTER COLUMN model_id SET NOT NULL;

ALTER TABLE evaluations
    ADD COLUMN kl_divergence           boolean NOT NULL DEFAULT false,
    ADD COLUMN tokens_scored           bigint CHECK (tokens_scored >= 0),
    ADD COLUMN seconds                 double precision,
    -- the base log-probabilities the KL-divergence was measured against
    ADD COLUMN base_logits_artifact_id bigint REFERENCES artifacts (id),
    ADD COLUMN ppl_base                double precision,
    ADD COLUMN ppl_base_error          double precision,
    ADD COLUMN cor_ln_ppl              double precision,
    ADD COLUMN mean_ln_ratio           double precision,
    ADD COLUMN mean_ln_ratio_error     double precision,
    ADD COLUMN kld_median              double precision,
    ADD COLUMN kld_max                 double precision,
    ADD COLUMN delta_p_mean_error      double precision,
    ADD COLUMN delta_p_rms_error       double precision,
    ADD COLUMN same_top_p_error        double precision,
    -- every number of the KL-divergence report (all percentiles), as the worker sent it
    ADD COLUMN kld_report              jsonb,
    ADD CONSTRAINT evaluations_kld_needs_base_logits CHECK (NOT kl_divergence OR base_logits_artifact_id IS NOT NULL);

CREATE INDEX evaluations_by_model ON evaluations (model_id, created_at DESC);

-- running numbers of a job (chunks done, running perplexity), latest on the job and per event
ALTER TABLE jobs ADD COLUMN metrics jsonb;
ALTER TABLE job_events ADD COLUMN metrics jsonb;
