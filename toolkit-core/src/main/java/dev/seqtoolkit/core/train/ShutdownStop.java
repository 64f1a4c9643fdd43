package dev.seqtoolkit.core.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops a training run at a step boundary when the JVM shuts down (Ctrl-C, {@code SIGTERM},
 * {@code System.exit}), so that the run can write a checkpoint first.
 *
 * <p>Without it, a shutdown lets the native engine tear down its globals while the training thread
 * is still inside a forward or backward pass: libtorch then crashes the JVM ("A fatal error has been
 * detected", an {@code hs_err_pid*.log} file), and everything since the last periodic checkpoint is
 * lost. With it, the shutdown hook raises a flag and holds the JVM for up to a grace period; the
 * training thread sees the flag after its current step, writes its checkpoint, says where, and then
 * parks, so no engine call is in flight when the JVM halts. A step longer than the grace period is
 * cut off as before.
 */
final class ShutdownStop implements AutoCloseable {

    private static final ShutdownStop NONE = new ShutdownStop();

    private final Thread hook;
    private final long graceMillis;
    private final String lateMessage;
    private final CountDownLatch parked = new CountDownLatch(1);
    private volatile boolean requested;

    private ShutdownStop() {
        hook = null;
        graceMillis = 0;
        lateMessage = null;
    }

    private ShutdownStop(long graceMillis, String lateMessage) {
        this.graceMillis = graceMillis;
        this.lateMessage = lateMessage;
        hook = new Thread(this::onShutdown, "seqtoolkit-training-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * A guard that holds a shutdown for up to {@code graceSeconds} while the run stops cleanly.
     *
     * @param lateMessage printed when the shutdown comes as the run is ending (see {@link #close})
     */
    static ShutdownStop register(int graceSeconds, String lateMessage) {
        return new ShutdownStop(TimeUnit.SECONDS.toMillis(graceSeconds), lateMessage);
    }

    /** A guard that never fires. */
    static ShutdownStop none() {
        return NONE;
    }

    private void onShutdown() {
        requested = true;
        System.err.printf("Shutting down: training stops after the current step (waiting up to %d s)%n",
                TimeUnit.MILLISECONDS.toSeconds(graceMillis));
        try {
            parked.await(graceMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a shutdown has begun; the training thread polls this at step boundaries. */
    boolean requested() {
        return requested;
    }

    /**
     * Called by the training thread once {@link #requested()} and its checkpoint are done: prints
     * {@code message}, releases the shutdown and never returns (the JVM is halting).
     */
    void stopHere(String message) {
        System.err.println(message);
        System.err.flush();
        parked.countDown();
        while (true) {
            LockSupport.park(this);
        }
    }

    /**
     * Unregisters the hook after a run. If a shutdown began while the run was finishing, the hook is
     * already waiting: the calling thread then parks like {@link #stopHere} rather than go on into
     * engine calls the halting JVM would cut short.
     */
    @Override
    public void close() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            stopHere(lateMessage);
        }
    }
}
