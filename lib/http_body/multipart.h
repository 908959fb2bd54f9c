// multipart/form-data request bodies (RFC 7578), with files streamed from disk.
//
// A MultipartLayout is made once from the parts (text fields; files by path): it picks the
// boundary, writes every header and text value, and sizes each file with stat, so the exact
// Content-Length is known before a byte is sent. A MultipartReader then produces the body in
// pieces of the caller's size, reading a file only as far as the piece needs: a body with a
// 2 GiB file costs one buffer, and an event loop sends it as the socket takes it. One layout
// serves any number of readers (one per request in flight, on any thread: it is immutable).
//
// The body, for a text field "a" and a file field "f":
//
//   --<boundary>\r\n
//   Content-Disposition: form-data; name="a"\r\n
//   \r\n
//   <value>\r\n
//   --<boundary>\r\n
//   Content-Disposition: form-data; name="f"; filename="x.png"\r\n
//   Content-Type: image/png\r\n
//   \r\n
//   <the file's bytes>\r\n
//   --<boundary>--\r\n
//
// Field names and filenames are escaped as the HTML standard's multipart/form-data encoder
// does (RFC 7578 §4.2 defers to it): '"' becomes %22, CR %0D, LF %0A; nothing else changes.
// Text values are sent byte for byte. Text fields carry no Content-Type (RFC 7578 §4.4:
// text/plain is implied).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sp::http_body {

struct MultipartPart {
  std::string name;   // the form field's name
  std::string value;  // a text field's value; a file field's path on disk
  bool is_file = false;
  std::string filename;      // files: the name sent; empty means the path's last component
  std::string content_type;  // files: empty means ContentTypeForFilename(filename)

  static MultipartPart Text(std::string name, std::string value);
  static MultipartPart File(std::string name, std::string path, std::string filename = "",
                            std::string content_type = "");
};

// The media type for a filename's extension (case-insensitive) from a small table of common
// types (.txt .html .css .csv .json .xml .js .pdf .zip .gz .tar .png .jpg .gif .webp .svg
// ...); application/octet-stream for any other.
std::string_view ContentTypeForFilename(std::string_view filename);

// A fresh random boundary: "----stressplan" and 32 letters and digits from getrandom(2),
// about 190 bits. A text field is checked against it (MultipartLayout::Build draws again when
// one contains it); a file is not read to check, and with 190 random bits it need not be.
std::string RandomBoundary();

class MultipartLayout {
 public:
  // Lays out the body. Files are stat'ed (they must be regular files, readable by this
  // process). False with *err, naming the part and the path: "multipart part 2 (\"f\"): file
  // \"/x\": No such file or directory". `boundary` is called until it gives one that no text
  // field, name, filename or content type contains (tests choose it; at most 16 tries).
  static bool Build(std::vector<MultipartPart> parts, MultipartLayout* out, std::string* err,
                    const std::function<std::string()>& boundary = RandomBoundary);

  const std::string& boundary() const { return boundary_; }
  // "multipart/form-data; boundary=<boundary>", the request's Content-Type.
  std::string content_type() const;
  // Every byte the readers produce, files at the sizes stat gave.
  uint64_t content_length() const { return content_length_; }

 private:
  friend class MultipartReader;
  // The body is a sequence of segments: a range of text_, or a whole file.
  struct Segment {
    size_t text_offset = 0;
    uint64_t length = 0;
    int file = -1;  // index in files_, or -1 for text
  };
  struct File {
    std::string path;
    uint64_t size = 0;
  };
  void AddText(std::string_view bytes);
  void AddFile(std::string path, uint64_t size);

  std::string boundary_;
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<File> files_;
  uint64_t content_length_ = 0;
};

// Produces one request's body from a layout, which must outlive it. Not thread-safe; one per
// request in flight. The files are opened one at a time, as the body reaches them.
class MultipartReader {
 public:
  explicit MultipartReader(const MultipartLayout& layout) : layout_(&layout) {}
  ~MultipartReader();
  MultipartReader(const MultipartReader&) = delete;
  MultipartReader& operator=(const MultipartReader&) = delete;

  // Copies the next bytes of the body into buf, at most cap (cap > 0), and sets *got: 0 only
  // once the whole body has been produced. False with *err naming the path when a file cannot
  // be opened or read, or its size is not the one the layout has: a body whose
  // Content-Length was already sent cannot be finished honestly then, and the request must be
  // abandoned. (A file rewritten in place with the same size is not noticed.)
  bool Read(char* buf, size_t cap, size_t* got, std::string* err);
  // Every byte produced.
  bool done() const { return position_ == layout_->content_length(); }
  uint64_t position() const { return position_; }
  // Starts over from the first byte (the request is sent again).
  void Rewind();

 private:
  bool ReadFile(const MultipartLayout::File& file, char* buf, size_t cap, size_t* got,
                std::string* err);
  bool OpenFile(const MultipartLayout::File& file, std::string* err);
  bool CheckFileEnd(const MultipartLayout::File& file, std::string* err);
  void CloseFile();

  const MultipartLayout* layout_;
  size_t segment_ = 0;           // the segment being produced
  uint64_t segment_offset_ = 0;  // bytes of it already produced
  uint64_t position_ = 0;
  int fd_ = -1;  // the open file of the current segment
};

}  // namespace sp::http_body
