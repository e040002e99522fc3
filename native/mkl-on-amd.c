/*
 * libtorch (the PyTorch engine DJL loads) links Intel oneMKL statically for fp32 matrix products. oneMKL picks its
 * kernels by asking whether the processor is made by Intel; on AMD processors it answers no and falls back to a generic
 * code path, even where the processor has AVX-512 (AMD Zen 4 and Zen 5). On this project's 2-core Zen 5 machines that
 * path runs ViT-B/32 at about 14 images/s, against about 27 with the AVX-512 kernels.
 *
 * Preloaded into the JVM (the ./vlt launcher does it), these two definitions take the place of oneMKL's own vendor
 * checks, so oneMKL then chooses its kernels from the processor's feature flags alone, as it does on Intel processors.
 * Nothing else changes: results agree with the default path within float rounding (the parity tests pass either way).
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
int mkl_serv_intel_cpu(void) { return 1; }
