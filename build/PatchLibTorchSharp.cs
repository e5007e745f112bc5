// MSBuild inline task (RoslynCodeTaskFactory). Makes TorchSharp's libLibTorchSharp.so loadable on
// Linux systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04).
//
// The library lists GLIBCXX_3.4.32 in its version needs for a single symbol
// (_ZSt21ios_base_library_initv) that no relocation uses. The dynamic loader refuses a library
// with an unmet non-weak version need, so this task sets VER_FLG_WEAK (0x2) on that one Vernaux
// entry of .gnu.version_r. Nothing else in the file changes. Where the system libstdc++ already
// provides GLIBCXX_3.4.32 the task does nothing, unless Force is set (for output that is built on a
// newer system and run on an older one).
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchLibTorchSharp : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public string Directory { get; set; } = "";

    public string VersionName { get; set; } = "GLIBCXX_3.4.32";

    public bool Force { get; set; }

    public override bool Execute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || !System.IO.Directory.Exists(Directory))
        {
            return true;
        }

        if (!Force && SystemLibStdCxxHas(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "libstdc++ provides " + VersionName + "; no patch needed.");
            return true;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            try
            {
                var result = Patch(path, VersionName);
                Log.LogMessage(MessageImportance.Normal, "libLibTorchSharp.so: " + result + " (" + path + ")");
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError("Could not patch " + path + ": " + e.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return IndexOf(File.ReadAllBytes(candidate), needle) >= 0;
            }
        }

        // Unknown layout: patching is harmless (a weak need only relaxes the loader's check).
        return false;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    match = false;
                    break;
                }
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Patch(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException("not a little-endian ELF64 file");
        }

        var shoff = (long)BitConverter.ToUInt64(bytes, 0x28);
        int shentsize = BitConverter.ToUInt16(bytes, 0x3A);
        int shnum = BitConverter.ToUInt16(bytes, 0x3C);
        for (var i = 0; i < shnum; i++)
        {
            var sh = (int)(shoff + (long)i * shentsize);
            if (BitConverter.ToUInt32(bytes, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = (int)BitConverter.ToUInt64(bytes, sh + 0x18);
            var link = (int)BitConverter.ToUInt32(bytes, sh + 0x28);
            var strtab = (int)BitConverter.ToUInt64(bytes, (int)(shoff + (long)link * shentsize) + 0x18);
            var need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(bytes, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(bytes, need + 8);
                for (var k = 0; k < count; k++)
                {
                    var name = ReadCString(bytes, strtab + (int)BitConverter.ToUInt32(bytes, aux + 8));
                    if (name == version)
                    {
                        var flags = BitConverter.ToUInt16(bytes, aux + 4);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            return "already weak";
                        }

                        var patched = (ushort)(flags | VerFlgWeak);
                        bytes[aux + 4] = (byte)(patched & 0xff);
                        bytes[aux + 5] = (byte)(patched >> 8);
                        var temp = path + ".patching";
                        File.WriteAllBytes(temp, bytes);
                        File.Delete(path);
                        File.Move(temp, path);
                        return "marked " + version + " weak";
                    }

                    aux += (int)BitConverter.ToUInt32(bytes, aux + 12);
                }

                var next = (int)BitConverter.ToUInt32(bytes, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }
        }

        return "no " + version + " need";
    }

    private static string ReadCString(byte[] bytes, int start)
    {
        var end = start;
        while (bytes[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(bytes, start, end - start);
    }
}
