package org.chorus.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link ProsodyServer} per top-level test class (shared with its {@code @Nested} classes),
 * stops it after all tests of the class, and injects it into test constructors, lifecycle methods and
 * test methods that declare a {@link ProsodyServer} parameter.
 *
 * <pre>{@code
 * @ExtendWith(ProsodyExtension.class)
 * class MyTest {
 *     @Test
 *     void works(ProsodyServer prosody) { ... }
 * }
 * }</pre>
 *
 * With non-default options, register it programmatically:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProsodyExtension PROSODY =
 *         new ProsodyExtension(ProsodyServer.Options.builder().mam(false).build());
 * }</pre>
 */
public class ProsodyExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ProsodyExtension.class);
    private static final String KEY = "prosody";

    private final ProsodyServer.Options options;

    public ProsodyExtension() {
        this(ProsodyServer.Options.defaults());
    }

    public ProsodyExtension(ProsodyServer.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext owner = classContext(context);
        if (owner != context) {
            return; // a @Nested class: the enclosing class owns the server
        }
        ProsodyServer server = owner.getStore(NAMESPACE).remove(KEY, ProsodyServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == ProsodyServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return server(extensionContext);
    }

    /**
     * The server of the test class of {@code context}, started on first use (with
     * {@code @TestInstance(PER_CLASS)} the constructor is resolved before {@code beforeAll}).
     */
    public ProsodyServer server(ExtensionContext context) {
        return classContext(context).getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> ProsodyServer.start(options), ProsodyServer.class);
    }

    /** The context of the outermost test class enclosing {@code context}. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getParent().isPresent() && current.getParent().get().getTestClass().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
