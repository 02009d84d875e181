package org.chorus.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.chorus.xmpp.Namespaces;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;

/** A submitted XEP-0004 form, read as field values; and helpers to build forms. */
public final class CommandForm {
    private final Map<String, String> values = new LinkedHashMap<>();

    private CommandForm() {}

    /** Reads the first value of each field of an {@code <x xmlns='jabber:x:data' type='submit'/>}. */
    public static CommandForm read(Element x) {
        CommandForm form = new CommandForm();
        for (Element field : x.elements("field")) {
            String var = field.attributeValue("var");
            Element value = field.element("value");
            if (var != null && value != null) {
                form.values.put(var, value.getTextTrim());
            }
        }
        return form;
    }

    public Optional<String> value(String var) {
        return Optional.ofNullable(values.get(var)).filter(v -> !v.isEmpty());
    }

    /** A new form of type {@code form} with a title, FORM_TYPE and instructions. */
    public static Element newForm(String title, String instructions) {
        Element x = DocumentHelper.createElement(QName.get("x", Namespaces.DATA_FORMS));
        x.addAttribute("type", "form");
        x.addElement("title").setText(title);
        x.addElement("instructions").setText(instructions);
        return x;
    }

    /** Adds a list-single field with its options and default. */
    public static void listSingle(Element x, String var, String label, String value, String... options) {
        Element field = x.addElement("field").addAttribute("var", var).addAttribute("type", "list-single")
                .addAttribute("label", label);
        field.addElement("value").setText(value);
        for (String option : options) {
            field.addElement("option").addAttribute("label", option).addElement("value").setText(option);
        }
    }

    /** Adds a text-private field (its value is never echoed back). */
    public static void textPrivate(Element x, String var, String label) {
        x.addElement("field").addAttribute("var", var).addAttribute("type", "text-private").addAttribute("label", label);
    }
}
