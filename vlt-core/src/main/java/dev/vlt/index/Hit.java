package dev.vlt.index;

import java.util.Map;

/**
 * One search result.
 *
 * @param id the public id of the entry (16 hex digits, see {@link IndexIds}): what URLs carry instead of paths
 * @param key the entry's key (an absolute path for folder collections)
 * @param score cosine similarity of the query and the entry's vector, in [-1, 1]
 */
public record Hit(String id, String key, String name, String caption, Map<String, String> metadata, float score) {}
