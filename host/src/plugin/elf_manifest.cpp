#include "plugin/elf_manifest.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "dashflow/abi.h"

namespace dashflow::host {
namespace {

ManifestReadResult fail(ManifestReadResult::Status status, std::string message) {
  ManifestReadResult r;
  r.status = status;
  r.message = std::move(message);
  return r;
}

bool read_at(std::ifstream& in, uint64_t offset, void* out, size_t size, uint64_t file_size) {
  if (offset > file_size || size > file_size - offset) return false;
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
  return static_cast<size_t>(in.gcount()) == size;
}

}  // namespace

ManifestReadResult read_embedded_manifest(const std::string& path) {
  using S = ManifestReadResult::Status;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(S::Invalid, "cannot open file: " + std::string(std::strerror(errno)));
  in.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());

  Elf64_Ehdr eh{};
  if (file_size < sizeof(eh) || !read_at(in, 0, &eh, sizeof eh, file_size) ||
      std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return fail(S::NotElf, "not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return fail(S::Invalid, "not a 64-bit ELF object");
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) return fail(S::Invalid, "not a little-endian ELF object");
  if (eh.e_type != ET_DYN) return fail(S::Invalid, "not a shared object (ELF type " + std::to_string(eh.e_type) + ")");
#if defined(__x86_64__)
  if (eh.e_machine != EM_X86_64) return fail(S::Invalid, "built for another machine (e_machine " + std::to_string(eh.e_machine) + ")");
#elif defined(__aarch64__)
  if (eh.e_machine != EM_AARCH64) return fail(S::Invalid, "built for another machine (e_machine " + std::to_string(eh.e_machine) + ")");
#endif
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shstrndx >= eh.e_shnum)
    return fail(S::Invalid, "ELF section table missing or malformed");

  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  if (!read_at(in, eh.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr), file_size))
    return fail(S::Invalid, "ELF section table lies outside the file");
  const Elf64_Shdr& names = sections[eh.e_shstrndx];
  if (names.sh_size > (1u << 24)) return fail(S::Invalid, "ELF section name table too large");
  std::vector<char> strtab(names.sh_size + 1, '\0');
  if (!read_at(in, names.sh_offset, strtab.data(), names.sh_size, file_size))
    return fail(S::Invalid, "ELF section name table lies outside the file");

  const Elf64_Shdr* found = nullptr;
  int count = 0;
  for (const auto& sh : sections) {
    if (sh.sh_name >= names.sh_size) continue;
    if (std::strcmp(&strtab[sh.sh_name], DASHFLOW_MANIFEST_SECTION) == 0) {
      found = &sh;
      ++count;
    }
  }
  if (!found) return fail(S::NoManifest, "no " DASHFLOW_MANIFEST_SECTION " section (not a dashflow plugin)");
  if (count > 1) return fail(S::Invalid, "more than one " DASHFLOW_MANIFEST_SECTION " section");
  if (found->sh_type != SHT_PROGBITS) return fail(S::Invalid, "manifest section has no contents");
  if (found->sh_flags & (SHF_WRITE | SHF_EXECINSTR))
    return fail(S::Invalid, "manifest section is writable or executable");
  if (found->sh_size == 0 || found->sh_size > (1u << 20))
    return fail(S::Invalid, "manifest section size " + std::to_string(found->sh_size) + " is out of range");

  std::string blob(found->sh_size, '\0');
  if (!read_at(in, found->sh_offset, blob.data(), blob.size(), file_size))
    return fail(S::Invalid, "manifest section lies outside the file");
  // The section holds NUL-terminated blobs; exactly one is allowed.
  const size_t first_nul = blob.find('\0');
  std::string text = blob.substr(0, first_nul);
  if (first_nul != std::string::npos && blob.find_first_not_of('\0', first_nul) != std::string::npos)
    return fail(S::Invalid, "more than one manifest in " DASHFLOW_MANIFEST_SECTION " (DASHFLOW_PLUGIN used twice?)");

  const std::string magic = DASHFLOW_MANIFEST_MAGIC "\n";
  if (text.compare(0, magic.size(), magic) != 0) return fail(S::Invalid, "manifest magic missing or unknown version");
  const size_t line_end = text.find('\n', magic.size());
  if (line_end == std::string::npos) return fail(S::Invalid, "manifest ABI line missing");

  ManifestReadResult r;
  r.status = S::Ok;
  r.manifest.abi_line = text.substr(magic.size(), line_end - magic.size());
  r.manifest.json_text = text.substr(line_end + 1);
  return r;
}

std::vector<std::string> read_needed_libraries(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  in.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());
  Elf64_Ehdr eh{};
  if (!read_at(in, 0, &eh, sizeof eh, file_size) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0)
    return out;
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  if (!read_at(in, eh.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr), file_size)) return out;
  for (const auto& sh : sections) {
    if (sh.sh_type != SHT_DYNAMIC || sh.sh_link >= sections.size()) continue;
    const Elf64_Shdr& strsec = sections[sh.sh_link];
    if (sh.sh_size > (1u << 24) || strsec.sh_size > (1u << 24)) return out;
    std::vector<Elf64_Dyn> dyn(sh.sh_size / sizeof(Elf64_Dyn));
    std::vector<char> strtab(strsec.sh_size + 1, '\0');
    if (!read_at(in, sh.sh_offset, dyn.data(), dyn.size() * sizeof(Elf64_Dyn), file_size) ||
        !read_at(in, strsec.sh_offset, strtab.data(), strsec.sh_size, file_size))
      return out;
    for (const auto& d : dyn) {
      if (d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_NEEDED && d.d_un.d_val < strsec.sh_size) out.emplace_back(&strtab[d.d_un.d_val]);
    }
  }
  return out;
}

}  // namespace dashflow::host
