#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every open connection (an event stream is one that stays open) is a file descriptor, and the
/// soft limit a process starts with is often 1024. The hard limit is what the administrator
/// granted: a server raises its soft limit to it, as it would have to be told to anyway.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard one; returns the limit in force afterwards.
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
