// asio_tracking.hpp: makes any standalone-Asio program record its handlers into the looplab
// trace schema (labs/common/TRACE_SCHEMA.md, "Plain Asio programs"), so the looplab viewer and
// Perfetto draw an Asio program the way they draw a looplab loop.
//
// How to use it: compile EVERY translation unit that includes Asio with
//
//     -DASIO_CUSTOM_HANDLER_TRACKING='"asio_tracking.hpp"'  -I<looplab>/labs/common
//
// and link the recorder (labs/common/trace.cpp: the CMake target looplab_common, which also puts
// labs/common on the include path). In CMake:
//
//     target_link_libraries(my_program PRIVATE looplab_common looplab::asio)
//     target_compile_definitions(my_program PRIVATE ASIO_CUSTOM_HANDLER_TRACKING="asio_tracking.hpp")
//
// Asio then includes this header from asio/detail/handler_tracking.hpp and calls the hooks below
// around every handler it creates and runs. The define changes the layout of Asio's operation
// objects, so all translation units of one program must agree on it. The program itself records
// like any looplab program:
//
//     looplab::trace::set_thread_name("loop");  // the thread that calls io_context::run()
//     looplab::trace::start();
//     io.run();
//     looplab::trace::stop();
//     looplab::trace::write_json("trace.json");
//
// Naming the thread that runs io_context::run() "loop" is the convention the viewer relies on;
// other threads that run handlers (a thread_pool's workers, a second run() thread) keep the
// recorder's default name "thread-N" unless the program names them.
//
// What gets recorded, per handler (an Asio "tracked handler": every posted function and every
// asynchronous operation's completion handler):
//   - creation (the async_xxx / post call): a flow start `s`, cat "flow", on the calling thread,
//     named "<object type> <operation>" exactly as Asio reports them: "io_context execute"
//     (asio::post / dispatch / defer on an io_context), "deadline_timer async_wait" (every
//     steady_timer / system_timer), "socket async_accept", "socket async_connect",
//     "socket async_receive" (async_read_some, async_read), "socket async_send" (async_write_some,
//     async_write), "thread_pool execute" (post to a thread_pool), "strand_executor execute",
//     "resolver async_resolve"... Asio's executor properties are dropped from the operation
//     ("execute(blk=never,rel=fork)" is recorded as "execute").
//   - invocation: a `callback` X span with the same name on the thread that runs the handler,
//     with the flow's end `f` ("bp":"e") at its start, so the viewer draws an arrow from where the
//     work was started to where its handler ran. A handler that Asio destroys without running it
//     (io_context destroyed or stopped with work pending) leaves a flow that never ends, which the
//     schema allows. Handlers with an error_code record `error` (its value) when it is set,
//     otherwise handlers that transferred bytes record `bytes`.
// Asio's other hooks (reactor registrations and events, operations without a handler such as
// cancel or close, source locations) record nothing.
//
// Cost: with no trace session running, creating a handler costs three stores and one relaxed
// atomic load; running one costs one atomic load. Thread-safe: the recorder keeps one buffer per
// thread, ids come from an atomic counter (trace::new_id(), shared with the loop's flows, so they
// never collide), and a handler's id travels inside Asio's operation object, which Asio hands from
// the creating thread to the invoking thread with the needed synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "trace.hpp"

namespace looplab::asio_tracking {

// "<object type> <operation>", the name of a handler's flow and span. Drops the executor
// properties Asio appends to some operations ("execute(blk=never,rel=fork)" -> "execute").
inline std::string operation_name(const char* object_type, const char* op_name) {
    std::string name = object_type != nullptr ? object_type : "asio";
    name += ' ';
    std::string_view op = op_name != nullptr ? op_name : "handler";
    name += op.substr(0, op.find("(blk="));
    return name;
}

// The base Asio gives every operation object (ASIO_INHERIT_TRACKED_HANDLER): which flow the
// handler's creation started, and the names of its operation (string literals owned by Asio).
class tracked_handler {
  protected:
    tracked_handler() = default;
    ~tracked_handler() = default;  // Asio never deletes an operation through this base

  private:
    friend struct tracker;
    friend class completion;
    std::uint64_t id_ = 0;  // 0: created while no session was recording, no flow to end
    const char* object_type_ = nullptr;
    const char* op_name_ = nullptr;
};

// Lives on the stack of the function that completes one handler (ASIO_HANDLER_COMPLETION):
// invocation_begin() opens the handler's callback span, invocation_end() (or the destructor, when
// the handler throws) closes it. Copies what it needs: Asio frees the operation before the upcall.
class completion {
  public:
    explicit completion(const tracked_handler& h)
        : id_(h.id_), object_type_(h.object_type_), op_name_(h.op_name_) {}
    ~completion() { close(); }
    completion(const completion&) = delete;
    completion& operator=(const completion&) = delete;

    // The handler is about to run with these arguments (none, an error_code, and maybe a second
    // argument: bytes transferred, a signal number, or a string).
    void invocation_begin() { open(); }
    template <typename ErrorCode>
    void invocation_begin(const ErrorCode& ec) {
        open();
        note_error(ec);
    }
    template <typename ErrorCode>
    void invocation_begin(const ErrorCode& ec, std::size_t bytes_transferred) {
        open();
        if (!note_error(ec)) note("bytes", static_cast<std::int64_t>(bytes_transferred));
    }
    template <typename ErrorCode>
    void invocation_begin(const ErrorCode& ec, int signal_number) {
        open();
        if (!note_error(ec)) note("signal", signal_number);
    }
    template <typename ErrorCode>
    void invocation_begin(const ErrorCode& ec, const char* /*arg*/) {
        open();
        note_error(ec);
    }

    void invocation_end() { close(); }

  private:
    void open() {
        if (!trace::enabled()) return;  // not recording: no name, no clock read
        name_ = operation_name(object_type_, op_name_);
        begin_ = trace::Clock::now();
        active_ = true;
        trace::flow_end(id_, name_);  // ignores id 0 (created before recording started)
    }
    void close() {
        if (!active_) return;
        active_ = false;
        trace::complete(trace::Category::callback, name_, begin_, trace::Clock::now(), arg_name_, arg_value_);
    }
    template <typename ErrorCode>
    bool note_error(const ErrorCode& ec) {
        if (!ec) return false;
        note("error", ec.value());
        return true;
    }
    void note(const char* arg_name, std::int64_t value) {
        if (!active_) return;
        arg_name_ = arg_name;
        arg_value_ = value;
    }

    std::uint64_t id_;
    const char* object_type_;
    const char* op_name_;
    bool active_ = false;
    std::string name_;
    trace::Clock::time_point begin_{};
    const char* arg_name_ = "";  // a string literal, or "" for no argument
    std::int64_t arg_value_ = 0;
};

// ASIO_HANDLER_LOCATION: Asio marks the source location of composed operations and coroutines.
// Not recorded; the object only has to exist for the scope Asio declares it in.
class location {
  public:
    template <typename File, typename Line, typename Function>
    location(const File& /*file*/, const Line& /*line*/, const Function& /*function*/) {}
    ~location() {}  // user-provided: no "unused variable" warning where Asio declares one
    location(const location&) = delete;
    location& operator=(const location&) = delete;
};

// The hooks Asio calls as functions. Context is asio::execution_context.
struct tracker {
    static void init() {}

    // An operation object was created for a handler: start its flow on this thread.
    template <typename Context>
    static void creation(Context& /*context*/, tracked_handler& h, const char* object_type, void* /*object*/,
                         std::uintmax_t /*native_handle*/, const char* op_name) {
        h.object_type_ = object_type;
        h.op_name_ = op_name;
        h.id_ = 0;
        if (!trace::enabled()) return;
        h.id_ = trace::new_id();
        trace::flow_begin(h.id_, operation_name(object_type, op_name));
    }

    // Not recorded: operations without a handler, and the reactor's bookkeeping.
    template <typename... Args>
    static void operation(const Args&... /*args*/) {}
    template <typename... Args>
    static void reactor_registration(const Args&... /*args*/) {}
    template <typename... Args>
    static void reactor_deregistration(const Args&... /*args*/) {}
    template <typename... Args>
    static void reactor_events(const Args&... /*args*/) {}
    template <typename... Args>
    static void reactor_operation(const Args&... /*args*/) {}
};

}  // namespace looplab::asio_tracking

// The macros Asio's detail/handler_tracking.hpp requires from a custom tracking header.
#define ASIO_INHERIT_TRACKED_HANDLER : public ::looplab::asio_tracking::tracked_handler
#define ASIO_ALSO_INHERIT_TRACKED_HANDLER , public ::looplab::asio_tracking::tracked_handler
#define ASIO_HANDLER_TRACKING_INIT ::looplab::asio_tracking::tracker::init()
#define ASIO_HANDLER_LOCATION(args) ::looplab::asio_tracking::location tracked_location args
#define ASIO_HANDLER_CREATION(args) ::looplab::asio_tracking::tracker::creation args
#define ASIO_HANDLER_COMPLETION(args) ::looplab::asio_tracking::completion tracked_completion args
#define ASIO_HANDLER_INVOCATION_BEGIN(args) tracked_completion.invocation_begin args
#define ASIO_HANDLER_INVOCATION_END tracked_completion.invocation_end()
#define ASIO_HANDLER_OPERATION(args) ::looplab::asio_tracking::tracker::operation args
#define ASIO_HANDLER_REACTOR_REGISTRATION(args) ::looplab::asio_tracking::tracker::reactor_registration args
#define ASIO_HANDLER_REACTOR_DEREGISTRATION(args) ::looplab::asio_tracking::tracker::reactor_deregistration args
#define ASIO_HANDLER_REACTOR_READ_EVENT 1
#define ASIO_HANDLER_REACTOR_WRITE_EVENT 2
#define ASIO_HANDLER_REACTOR_ERROR_EVENT 4
#define ASIO_HANDLER_REACTOR_EVENTS(args) ::looplab::asio_tracking::tracker::reactor_events args
#define ASIO_HANDLER_REACTOR_OPERATION(args) ::looplab::asio_tracking::tracker::reactor_operation args
