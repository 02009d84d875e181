package org.chorus.jingle;

import org.dom4j.Attribute;
import org.dom4j.Element;
import org.dom4j.Node;

/**
 * The first check of a Jingle IQ as it arrived, before it is copied, serialized and parsed into
 * Jingle elements: at most {@link JingleLimits#maxElements} elements, {@link JingleLimits#maxDepth}
 * levels, {@link JingleLimits#maxAttributesPerElement} attributes per element, and
 * {@link JingleLimits#maxTextLength} characters per attribute value and per element's text. One
 * walk over the tree, which stops at the first excess, so that an oversized request costs no more
 * than reading that far.
 */
final class JingleSize {
    private static final int MAX_NAME_IN_TEXT = 40;

    private final JingleLimits limits;
    private int elements;

    private JingleSize(JingleLimits limits) {
        this.limits = limits;
    }

    /** Checks the IQ element and everything in it. */
    static void check(Element iq, JingleLimits limits) throws MalformedJingleException {
        new JingleSize(limits).visit(iq, 0);
    }

    /** Recursion is bounded by the depth limit, which is checked before going deeper. */
    private void visit(Element element, int depth) throws MalformedJingleException {
        JingleLimits.check(++elements, limits.maxElements(), "elements in a Jingle request", null);
        JingleLimits.check(depth, limits.maxDepth(), "levels of elements in a Jingle request", null);
        JingleLimits.check(element.attributeCount(), limits.maxAttributesPerElement(), "attributes per element",
                "<" + shorten(element.getName()) + ">");
        for (int i = 0, n = element.attributeCount(); i < n; i++) {
            Attribute attribute = element.attribute(i);
            JingleLimits.checkLength(attribute.getValue(), limits.maxTextLength(), "an attribute",
                    "<" + shorten(element.getName()) + " " + shorten(attribute.getName()) + ">");
        }
        int text = 0;
        for (int i = 0, n = element.nodeCount(); i < n; i++) {
            Node node = element.node(i);
            if (node instanceof Element child) {
                visit(child, depth + 1);
            } else if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
                text += node.getText().length();
                if (text > limits.maxTextLength()) {
                    throw JingleLimits.exceeded(limits.maxTextLength(), "characters of text in an element",
                            "<" + shorten(element.getName()) + ">");
                }
            }
        }
    }

    private static String shorten(String name) {
        return name.length() <= MAX_NAME_IN_TEXT ? name : name.substring(0, MAX_NAME_IN_TEXT) + "…";
    }
}
