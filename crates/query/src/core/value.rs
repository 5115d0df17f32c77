//! Type-erased cached values and errors.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

type EqFn = fn(&dyn Any, &dyn Any) -> bool;

fn eq_any<T: PartialEq + 'static>(a: &dyn Any, b: &dyn Any) -> bool {
    matches!((a.downcast_ref::<T>(), b.downcast_ref::<T>()), (Some(a), Some(b)) if a == b)
}

/// A cached value of any type, cheap to clone, that knows how to compare itself.
///
/// ```
/// use eventual_query::core::Value;
/// let v = Value::new(vec![1, 2]);
/// assert_eq!(v.downcast_ref::<Vec<i32>>(), Some(&vec![1, 2]));
/// assert!(v.downcast_ref::<String>().is_none());
/// assert!(v.same(&Value::new(vec![1, 2])));
/// ```
#[derive(Clone)]
pub struct Value {
    inner: Rc<dyn Any>,
    eq: EqFn,
}

impl Value {
    /// Wraps a value.
    pub fn new<T: PartialEq + 'static>(value: T) -> Self {
        Self {
            inner: Rc::new(value),
            eq: eq_any::<T>,
        }
    }

    /// Wraps the output of a patch, keeping this value's comparison.
    pub(crate) fn with_same_type(&self, inner: Box<dyn Any>) -> Self {
        Self {
            inner: Rc::from(inner),
            eq: self.eq,
        }
    }

    /// The value, if it is a `T`.
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.inner.downcast_ref()
    }

    /// The value as `&dyn Any`.
    pub fn as_any(&self) -> &dyn Any {
        &*self.inner
    }

    /// Equal by `PartialEq` of the stored type (different types are never the same).
    pub fn same(&self, other: &Value) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner) || (self.eq)(&*self.inner, &*other.inner)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Value(..)")
    }
}

/// A type-erased error with its message kept for introspection.
#[derive(Clone)]
pub struct ErrorValue {
    inner: Rc<dyn Any>,
    message: String,
}

impl ErrorValue {
    /// Wraps an error.
    pub fn new<E: fmt::Display + 'static>(error: E) -> Self {
        Self {
            message: error.to_string(),
            inner: Rc::new(error),
        }
    }

    /// The error, if it is an `E`.
    pub fn downcast_ref<E: 'static>(&self) -> Option<&E> {
        self.inner.downcast_ref()
    }

    /// Its `Display` text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for ErrorValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErrorValue({})", self.message)
    }
}
