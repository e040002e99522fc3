package dev.vlt.data.shapes;

/** A phrase that picks out exactly one object of a scene ("the red circle on the left"); target indexes Scene.objects(). */
public record ReferringExpression(String text, int target) {}
