using System.Runtime.InteropServices;

namespace NetSim.Mpi;

/// <summary>
/// The calls of Open MPI's C library (libmpi.so.40, the ABI of Open MPI 4 and 5) that NetSim uses. In Open MPI a
/// handle (MPI_COMM_WORLD, MPI_BYTE, MPI_MIN, ...) is the address of a global object of the library
/// (&amp;ompi_mpi_comm_world), not an integer constant as in MPICH or Microsoft MPI: they are looked up by name once the
/// library is loaded (<see cref="Handles"/>).
/// </summary>
internal static unsafe partial class OpenMpi
{
    public const string Library = "libmpi.so.40";
    public const int ThreadFunneled = 1; // MPI_THREAD_FUNNELED: only the thread that initialised MPI calls it
    public const int Success = 0; // MPI_SUCCESS

    [LibraryImport(Library)]
    public static partial int MPI_Init_thread(int* argc, byte*** argv, int required, int* provided);

    [LibraryImport(Library)]
    public static partial int MPI_Finalize();

    [LibraryImport(Library)]
    public static partial int MPI_Comm_rank(nint comm, int* rank);

    [LibraryImport(Library)]
    public static partial int MPI_Comm_size(nint comm, int* size);

    [LibraryImport(Library)]
    public static partial int MPI_Barrier(nint comm);

    [LibraryImport(Library)]
    public static partial int MPI_Allreduce(void* sendBuffer, void* receiveBuffer, int count, nint datatype, nint op, nint comm);

    [LibraryImport(Library)]
    public static partial int MPI_Alltoall(void* sendBuffer, int sendCount, nint sendType, void* receiveBuffer, int receiveCount, nint receiveType, nint comm);

    [LibraryImport(Library)]
    public static partial int MPI_Isend(void* buffer, int count, nint datatype, int destination, int tag, nint comm, nint* request);

    [LibraryImport(Library)]
    public static partial int MPI_Irecv(void* buffer, int count, nint datatype, int source, int tag, nint comm, nint* request);

    [LibraryImport(Library)]
    public static partial int MPI_Waitall(int count, nint* requests, void* statuses); // statuses null: MPI_STATUSES_IGNORE in Open MPI

    [LibraryImport(Library)]
    public static partial int MPI_Get_library_version(byte* version, int* length);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int mode);

    [LibraryImport("libc")]
    private static partial nint dlerror();

    /// <summary>
    /// Loads libmpi with RTLD_GLOBAL before the first call: Open MPI's plugins (mca_pml_ob1.so and others) are not
    /// linked against libmpi and find its symbols only in the global scope; .NET's own loader does not put them there.
    /// </summary>
    public static Handles Load()
    {
        const int Now = 0x2, Global = 0x100; // RTLD_NOW | RTLD_GLOBAL (glibc)
        nint library = dlopen(Library, Now | Global);
        if (library == 0)
        {
            string why = Marshal.PtrToStringUTF8(dlerror()) ?? "unknown reason";
            throw new DllNotFoundException($"Open MPI's library {Library} could not be loaded ({why}); install Open MPI (Debian: apt-get install openmpi-bin).");
        }

        return new Handles(
            NativeLibrary.GetExport(library, "ompi_mpi_comm_world"),
            NativeLibrary.GetExport(library, "ompi_mpi_byte"),
            NativeLibrary.GetExport(library, "ompi_mpi_int"),
            NativeLibrary.GetExport(library, "ompi_mpi_int64_t"),
            NativeLibrary.GetExport(library, "ompi_mpi_op_min"),
            NativeLibrary.GetExport(library, "ompi_mpi_op_sum"));
    }

    /// <summary>The handles NetSim uses, as addresses in the loaded library.</summary>
    public readonly record struct Handles(nint CommWorld, nint Byte, nint Int, nint Int64, nint Min, nint Sum);
}
