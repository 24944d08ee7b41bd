package io.quantarena.jobs.jobs;

public enum JobType { QUANTIZE, EVALUATE, IMATRIX, SERVE }
