// Custom operators registered at run time (include/tfldbg/custom_op.h): from a
// C++ program, a plugin library (--custom-op-lib) or a Python callback, all in
// the same C shape. The interpreter asks the registry it is given
// (InterpreterOptions::custom_ops) for a custom code the op table lacks.
//
//   CustomOpRegistry ops;
//   Status s = ops.Register(my_op);         // a TfldbgCustomOp, checked here
//   options.custom_ops = &ops;              // must outlive the interpreter
#pragma once

#include <map>
#include <memory>
#include <string>

#include "kernels/kernel.h"
#include "tfldbg/custom_op.h"

namespace tfldbg {

class CustomOpRegistry {
 public:
  // Refuses, in one line, a null or unnamed op, another ABI version, missing
  // functions, and a second registration of the same name.
  Status Register(const TfldbgCustomOp& op, const std::string& origin = "");
  // Null when no op of that name is registered.
  const TfldbgCustomOp* Find(const std::string& name) const;
  // A kernel that runs `op` through its prepare and eval.
  static std::unique_ptr<Kernel> MakeKernel(const TfldbgCustomOp& op);
  size_t size() const { return ops_.size(); }

 private:
  struct Entry {
    TfldbgCustomOp op;
    std::string name;    // owned copy: the op's name pointer need not outlive Register
    std::string origin;  // where it came from, for messages
  };
  std::map<std::string, Entry> ops_;
};

}  // namespace tfldbg
