// Benchmark-only baseline: boost.context's jump_fcontext ping-pong, behind
// a C interface.  Built only when libboost-context-dev is installed.
#include <boost/context/detail/fcontext.hpp>
#include <cstdlib>

namespace bcd = boost::context::detail;

extern "C" double bench_now_ns(void);

static void pong(bcd::transfer_t t) {
    for (;;)
        t = bcd::jump_fcontext(t.fctx, nullptr);
}

extern "C" double bench_boost_oneway_ns(long round_trips) {
    const std::size_t size = 64 * 1024;
    char *stack = static_cast<char *>(std::malloc(size));
    bcd::fcontext_t ctx = bcd::make_fcontext(stack + size, size, pong);
    bcd::transfer_t t = bcd::jump_fcontext(ctx, nullptr);   // warm up, park pong
    double t0 = bench_now_ns();
    for (long i = 0; i < round_trips; i++)
        t = bcd::jump_fcontext(t.fctx, nullptr);
    double t1 = bench_now_ns();
    std::free(stack);
    return (t1 - t0) / (2.0 * static_cast<double>(round_trips));
}
