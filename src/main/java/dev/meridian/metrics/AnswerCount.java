package dev.meridian.metrics;

/**
 * How many answers one service gave from one region under one policy since start, for {@code
 * meridian_answers_total}. Immutable.
 *
 * @param service the service's name, e.g. "www.example.com"
 * @param policy its policy kind, e.g. "geo", "weighted"
 * @param region the region the answer came from, or "" when the policy has none
 * @param count answers so far (monotonic)
 */
public record AnswerCount(String service, String policy, String region, long count) {}
